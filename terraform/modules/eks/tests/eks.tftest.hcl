# The EKS module against a mocked AWS provider: nodes in the given private subnets,
# secrets encrypted with KMS, control plane logging, IMDSv2 on nodes, OIDC provider,
# access entries; each variable's validation rejects a bad value.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  name       = "fcgi-users-prod"
  subnet_ids = ["subnet-0a", "subnet-0b", "subnet-0c"]
}

run "cluster_encrypted_and_logged" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.encryption_config[0].resources == toset(["secrets"])
    error_message = "Kubernetes secrets must be encrypted with KMS"
  }
  assert {
    condition     = aws_kms_key.secrets.enable_key_rotation == true
    error_message = "the secrets key rotates"
  }
  assert {
    condition     = toset(aws_eks_cluster.this.enabled_cluster_log_types) == toset(["api", "audit", "authenticator", "controllerManager", "scheduler"])
    error_message = "all control plane logs are on by default"
  }
  assert {
    condition     = aws_cloudwatch_log_group.cluster.name == "/aws/eks/fcgi-users-prod/cluster" && aws_cloudwatch_log_group.cluster.retention_in_days == 90
    error_message = "the control plane log group is the one EKS writes to, with a retention"
  }
  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access == false && aws_eks_cluster.this.vpc_config[0].endpoint_private_access == true
    error_message = "without public_access_cidrs the API endpoint is private"
  }
  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API"
    error_message = "access goes through EKS access entries"
  }
  assert {
    condition     = aws_iam_openid_connect_provider.this.client_id_list == toset(["sts.amazonaws.com"])
    error_message = "an OIDC provider for IRSA"
  }
}

run "nodes_private_imdsv2_encrypted" {
  command = plan

  assert {
    condition     = aws_eks_node_group.this.subnet_ids == toset(["subnet-0a", "subnet-0b", "subnet-0c"])
    error_message = "nodes run in the given private subnets"
  }
  assert {
    condition     = aws_launch_template.node.metadata_options[0].http_tokens == "required" && aws_launch_template.node.metadata_options[0].http_put_response_hop_limit == 1
    error_message = "nodes require IMDSv2 and keep pods away from the node's metadata"
  }
  assert {
    condition     = aws_launch_template.node.block_device_mappings[0].ebs[0].encrypted == "true"
    error_message = "node volumes are encrypted"
  }
  assert {
    condition     = length(coalesce(aws_launch_template.node.vpc_security_group_ids, [])) == 0 && length(aws_launch_template.node.network_interfaces) == 0
    error_message = "nodes keep the cluster security group (the one the database admits)"
  }
  assert {
    condition     = aws_eks_node_group.this.scaling_config[0].min_size == 2 && aws_eks_node_group.this.scaling_config[0].max_size == 4
    error_message = "two to four nodes by default"
  }
  assert {
    condition     = length(aws_iam_role_policy_attachment.node) == 4
    error_message = "node role has the worker, CNI, ECR read-only and SSM policies"
  }
}

run "public_endpoint_and_admins" {
  command = plan
  variables {
    public_access_cidrs  = ["203.0.113.0/24"]
    admin_principal_arns = ["arn:aws:iam::123456789012:role/jenkins-deploy"]
  }
  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access == true && aws_eks_cluster.this.vpc_config[0].public_access_cidrs == toset(["203.0.113.0/24"])
    error_message = "the public endpoint opens only to public_access_cidrs"
  }
  assert {
    condition     = aws_eks_access_policy_association.admin["arn:aws:iam::123456789012:role/jenkins-deploy"].access_scope[0].type == "cluster"
    error_message = "the deploy role administers the cluster"
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "EKS"
  }
  expect_failures = [var.name]
}

run "rejects_bad_version" {
  command = plan
  variables {
    kubernetes_version = "1.32.1"
  }
  expect_failures = [var.kubernetes_version]
}

run "rejects_one_subnet" {
  command = plan
  variables {
    subnet_ids = ["subnet-0a"]
  }
  expect_failures = [var.subnet_ids]
}

run "rejects_open_endpoint" {
  command = plan
  variables {
    public_access_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.public_access_cidrs]
}

run "rejects_unknown_log_type" {
  command = plan
  variables {
    cluster_log_types = ["api", "everything"]
  }
  expect_failures = [var.cluster_log_types]
}

run "rejects_bad_retention" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_bad_thumbprint" {
  command = plan
  variables {
    oidc_thumbprints = ["abc"]
  }
  expect_failures = [var.oidc_thumbprints]
}

run "rejects_bad_admin_arn" {
  command = plan
  variables {
    admin_principal_arns = ["jenkins"]
  }
  expect_failures = [var.admin_principal_arns]
}

run "rejects_no_instance_types" {
  command = plan
  variables {
    node_instance_types = []
  }
  expect_failures = [var.node_instance_types]
}

run "rejects_bad_ami_type" {
  command = plan
  variables {
    node_ami_type = "AL2_x86_64"
  }
  expect_failures = [var.node_ami_type]
}

run "rejects_bad_capacity_type" {
  command = plan
  variables {
    node_capacity_type = "spot"
  }
  expect_failures = [var.node_capacity_type]
}

run "rejects_small_disk" {
  command = plan
  variables {
    node_disk_size = 4
  }
  expect_failures = [var.node_disk_size]
}

run "rejects_zero_min" {
  command = plan
  variables {
    node_min_size     = 0
    node_desired_size = 1
  }
  expect_failures = [var.node_min_size]
}

run "rejects_desired_above_max" {
  command = plan
  variables {
    node_desired_size = 9
  }
  expect_failures = [var.node_desired_size]
}

run "rejects_max_below_min" {
  command = plan
  variables {
    node_min_size     = 3
    node_desired_size = 3
    node_max_size     = 2
  }
  expect_failures = [var.node_max_size]
}

run "rejects_aws_tag" {
  command = plan
  variables {
    tags = { "aws:x" = "y" }
  }
  expect_failures = [var.tags]
}

# What the Helm chart relies on is installed with the cluster: NetworkPolicies are
# enforced (VPC CNI network policy on), HPAs get metrics, Services resolve, volumes work.
run "addons_the_chart_needs" {
  command = plan

  assert {
    condition     = aws_eks_addon.vpc_cni.addon_name == "vpc-cni" && jsondecode(aws_eks_addon.vpc_cni.configuration_values).enableNetworkPolicy == "true"
    error_message = "the VPC CNI add-on must enforce NetworkPolicies (enableNetworkPolicy), or the chart's policies do nothing"
  }
  assert {
    condition     = aws_eks_addon.kube_proxy.addon_name == "kube-proxy"
    error_message = "kube-proxy is installed"
  }
  assert {
    condition     = toset(keys(aws_eks_addon.on_nodes)) == toset(["coredns", "aws-ebs-csi-driver", "metrics-server"])
    error_message = "coredns, the EBS CSI driver and metrics-server (the HPAs' metrics) are installed"
  }
  assert {
    condition     = aws_iam_role_policy_attachment.ebs_csi.policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
    error_message = "the EBS CSI controller has its own IRSA role with the AWS policy"
  }
}
