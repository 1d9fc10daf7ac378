output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "The zones the subnets are in, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "Public subnets, one per zone (load balancers, NAT, the test VM)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets, one per zone (EKS nodes, the database)."
  value       = aws_subnet.private[*].id
}

output "nat_public_ips" {
  description = "Egress addresses of the private subnets (for allow-lists elsewhere)."
  value       = aws_eip.nat[*].public_ip
}
