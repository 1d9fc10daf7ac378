# The EKS add-ons the Helm chart relies on, managed by EKS (versions follow the
# cluster's; conflicting self-managed copies are overwritten):
#   vpc-cni         pod networking, with network policy enforcement ON: without it the
#                   chart's NetworkPolicies are accepted and silently not enforced;
#   kube-proxy, coredns  Services and their DNS names (nginx's upstreams);
#   aws-ebs-csi-driver   volumes (its controller gets its own IRSA role);
#   metrics-server  resource metrics: without it the chart's HPAs never scale.
# An ingress controller, cert-manager and the Prometheus Operator are not installed
# here: docs/kubernetes.md lists them as prerequisites of values-production.yaml.

locals {
  # Add-ons whose pods must be scheduled: created once the node group exists.
  addons_on_nodes = toset(["coredns", "aws-ebs-csi-driver", "metrics-server"])
}

resource "aws_eks_addon" "vpc_cni" {
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "vpc-cni"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  configuration_values = jsonencode({
    enableNetworkPolicy = "true"
  })
  tags = var.tags
}

resource "aws_eks_addon" "kube_proxy" {
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "kube-proxy"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
}

resource "aws_eks_addon" "on_nodes" {
  for_each                    = local.addons_on_nodes
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  service_account_role_arn    = each.key == "aws-ebs-csi-driver" ? aws_iam_role.ebs_csi.arn : null
  tags                        = var.tags

  depends_on = [aws_eks_node_group.this]
}

# IRSA role of the EBS CSI controller (service account kube-system/ebs-csi-controller-sa).
resource "aws_iam_role" "ebs_csi" {
  name = "${var.name}-ebs-csi"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.this.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${replace(aws_iam_openid_connect_provider.this.url, "https://", "")}:sub" = "system:serviceaccount:kube-system:ebs-csi-controller-sa"
          "${replace(aws_iam_openid_connect_provider.this.url, "https://", "")}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  role       = aws_iam_role.ebs_csi.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
}
