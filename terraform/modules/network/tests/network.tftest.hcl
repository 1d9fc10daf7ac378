# The network module against a mocked AWS provider: the subnet plan, NAT layout, flow
# logs, and that each variable's validation rejects a bad value.

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"]
    }
  }
}

variables {
  name = "fcgi-users-test"
}

run "three_zones_public_and_private" {
  command = plan

  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3
    error_message = "expected one public and one private subnet in each of three zones"
  }
  assert {
    condition     = length(distinct(aws_subnet.private[*].availability_zone)) == 3
    error_message = "private subnets must be in three different zones"
  }
  assert {
    condition     = alltrue([for s in concat(aws_subnet.public, aws_subnet.private) : s.map_public_ip_on_launch == false])
    error_message = "no subnet may hand out public addresses by default"
  }
  assert {
    condition     = length(distinct(concat(aws_subnet.public[*].cidr_block, aws_subnet.private[*].cidr_block))) == 6
    error_message = "subnet ranges must not repeat"
  }
  assert {
    condition     = alltrue([for s in aws_subnet.private : cidrnetmask(s.cidr_block) == "255.255.240.0"])
    error_message = "private subnets of a /16 should be /20 (room for pod addresses)"
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 3
    error_message = "by default each zone has its own NAT gateway"
  }
  assert {
    condition     = alltrue([for r in aws_route.private_nat : r.destination_cidr_block == "0.0.0.0/0"])
    error_message = "private subnets route egress through NAT"
  }
}

run "flow_logs_capture_all_traffic" {
  command = plan

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL"
    error_message = "flow logs must record accepted and rejected traffic"
  }
  assert {
    condition     = aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "flow logs go to CloudWatch"
  }
  assert {
    condition     = aws_cloudwatch_log_group.flow_logs.retention_in_days == 90
    error_message = "flow log retention defaults to 90 days"
  }
  assert {
    condition     = jsondecode(aws_iam_role.flow_logs.assume_role_policy).Statement[0].Principal.Service == "vpc-flow-logs.amazonaws.com"
    error_message = "only the flow logs service may assume the flow log role"
  }
}

run "single_nat_for_test" {
  command = plan
  variables {
    single_nat_gateway = true
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 3
    error_message = "single_nat_gateway: one NAT gateway that every private route table uses"
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Bad_Name!"
  }
  expect_failures = [var.name]
}

run "rejects_bad_cidr" {
  command = plan
  variables {
    cidr_block = "10.0.0.0/8"
  }
  expect_failures = [var.cidr_block]
}

run "rejects_non_cidr" {
  command = plan
  variables {
    cidr_block = "not-a-cidr"
  }
  expect_failures = [var.cidr_block]
}

run "rejects_one_zone" {
  command = plan
  variables {
    az_count = 1
  }
  expect_failures = [var.az_count]
}

run "rejects_bad_retention" {
  command = plan
  variables {
    flow_log_retention_days = 42
  }
  expect_failures = [var.flow_log_retention_days]
}

run "rejects_bad_kms_arn" {
  command = plan
  variables {
    flow_log_kms_key_arn = "alias/mine"
  }
  expect_failures = [var.flow_log_kms_key_arn]
}

run "rejects_long_public_tag" {
  command = plan
  variables {
    public_subnet_tags = { (join("", [for i in range(130) : "k"])) = "v" }
  }
  expect_failures = [var.public_subnet_tags]
}

run "rejects_long_private_tag" {
  command = plan
  variables {
    private_subnet_tags = { (join("", [for i in range(130) : "k"])) = "v" }
  }
  expect_failures = [var.private_subnet_tags]
}

run "rejects_aws_tag" {
  command = plan
  variables {
    tags = { "aws:owner" = "me" }
  }
  expect_failures = [var.tags]
}
