output "repository_urls" {
  description = "Repository URL per image name, e.g. { backend = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/fcgi-users/backend\" }."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "registry" {
  description = "The registry host to `docker login` to."
  value       = try(split("/", values(aws_ecr_repository.this)[0].repository_url)[0], null)
}

output "repository_arns" {
  description = "Repository ARN per image name (for push/pull IAM policies)."
  value       = { for k, r in aws_ecr_repository.this : k => r.arn }
}

output "repository_names" {
  description = "Repository path per image name within the registry, e.g. { backend = \"fcgi-users/backend\" } (the chart's image.repository)."
  value       = { for k, r in aws_ecr_repository.this : k => r.name }
}
