output "public_ip" {
  description = "The VM's stable public address (Elastic IP): the Ansible inventory host and the smoke test's target."
  value       = aws_eip.this.public_ip
}

output "public_dns" {
  description = "The VM's public DNS name."
  value       = aws_eip.this.public_dns
}

output "ssh_user" {
  description = "Login user of Debian's cloud images."
  value       = "admin"
}

output "instance_id" {
  description = "EC2 instance ID."
  value       = aws_instance.this.id
}

output "security_group_id" {
  description = "The VM's security group (the database admits it on 3306)."
  value       = aws_security_group.this.id
}

output "ami_id" {
  description = "The Debian 12 image the VM was created from."
  value       = aws_instance.this.ami
}

output "deploy_policy_arn" {
  description = "IAM policy for the VM's deployer (the Jenkins deploy role): read the database secrets, nothing else; null without database_secret_arns."
  value       = try(aws_iam_policy.deploy[0].arn, null)
}
