# Container registries for the two images, <name_prefix>/backend and
# <name_prefix>/frontend as the Helm chart names them. Tags are immutable, so a
# commit's tag always names the image that was tested and then promoted to
# production; every push is scanned; a lifecycle policy keeps the registry from
# growing without bound. Images production runs are kept apart: make deploy-prod tags
# them deployed-<tag>, and an image matched by a rule cannot be expired by a rule of
# lower priority, so builds waiting for approval never push a deployed image out of
# the "most recent" count.

resource "aws_ecr_repository" "this" {
  for_each             = toset(var.repositories)
  name                 = "${var.name_prefix}/${each.key}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each   = aws_ecr_repository.this
  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images (failed or superseded pushes) after ${var.untagged_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the ${var.keep_deployed_images} most recently deployed images (tag deployed-*, set by make deploy-prod)"
        selection = {
          tagStatus     = "tagged"
          tagPrefixList = [var.deployed_tag_prefix]
          countType     = "imageCountMoreThan"
          countNumber   = var.keep_deployed_images
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 3
        description  = "Keep the ${var.keep_images} most recent images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.keep_images
        }
        action = { type = "expire" }
      },
    ]
  })
}
