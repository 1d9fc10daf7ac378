# The test VM: one Debian 12 EC2 instance in a public subnet that Ansible provisions
# and deploys to (playbooks/), and that the pipeline smoke-tests over HTTP before the
# production gate. SSH and HTTP are open only to `allowed_cidrs`; instance metadata
# needs IMDSv2 session tokens; the root volume is encrypted; the address is an Elastic
# IP so the Ansible inventory survives a stop/start.

# Debian's own images (account 136693071363, the Debian cloud team), newest first.
data "aws_ami" "debian" {
  most_recent = true
  owners      = ["136693071363"]

  filter {
    name   = "name"
    values = ["debian-12-${var.architecture}-*"]
  }
  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
  filter {
    name   = "root-device-type"
    values = ["ebs"]
  }
}

resource "aws_key_pair" "this" {
  key_name   = "${var.name}-deploy"
  public_key = var.ssh_public_key
  tags       = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-vm"
  description = "Test VM ${var.name}: SSH and HTTP from the allowed CIDRs only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-vm" })
  lifecycle {
    create_before_destroy = true
  }
}

locals {
  ingress = merge(
    { for c in var.allowed_cidrs : "ssh-${c}" => { port = 22, cidr = c, what = "SSH" } },
    { for c in var.allowed_cidrs : "http-${c}" => { port = 80, cidr = c, what = "HTTP" } },
  )
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each          = local.ingress
  security_group_id = aws_security_group.this.id
  description       = "${each.value.what} from ${each.value.cidr}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
  tags              = merge(var.tags, { Name = each.key })
}

# Egress: package mirrors (HTTP/HTTPS) and the database inside the VPC; DNS and NTP go
# to the VPC resolver and the link-local time service, which security groups do not filter.
resource "aws_vpc_security_group_egress_rule" "web" {
  for_each          = toset(["80", "443"])
  security_group_id = aws_security_group.this.id
  description       = "packages and APIs over tcp/${each.key}"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "mysql" {
  security_group_id = aws_security_group.this.id
  description       = "MySQL inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_instance" "this" {
  ami                         = data.aws_ami.debian.id
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  vpc_security_group_ids      = [aws_security_group.this.id]
  key_name                    = aws_key_pair.this.key_name
  associate_public_ip_address = true
  monitoring                  = true
  ebs_optimized               = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    encrypted             = true
    kms_key_id            = var.kms_key_arn
    volume_type           = "gp3"
    volume_size           = var.root_volume_size
    delete_on_termination = true
  }

  tags        = merge(var.tags, { Name = "${var.name}-vm" })
  volume_tags = var.tags

  # A newer Debian AMI must not replace a running test VM on every apply; replace it
  # deliberately with `terraform apply -replace=...`.
  lifecycle {
    ignore_changes = [ami]
  }
}

resource "aws_eip" "this" {
  domain   = "vpc"
  instance = aws_instance.this.id
  tags     = merge(var.tags, { Name = "${var.name}-vm" })
}
