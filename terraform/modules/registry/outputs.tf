output "repository_urls" {
  description = "Repository URL per image name, e.g. { fcgi-backend = \"1234.dkr.ecr.eu-west-1.amazonaws.com/fcgi-users/fcgi-backend\" }."
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
