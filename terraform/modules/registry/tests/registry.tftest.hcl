# The registry module against a mocked AWS provider: immutable tags, scan on push,
# KMS encryption, a lifecycle policy; each variable's validation rejects a bad value.

mock_provider "aws" {}

run "immutable_and_scanned" {
  command = plan

  assert {
    condition     = toset(keys(aws_ecr_repository.this)) == toset(["backend", "frontend"])
    error_message = "one repository per image: backend and frontend"
  }
  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_tag_mutability == "IMMUTABLE"])
    error_message = "image tags must be immutable"
  }
  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_scanning_configuration[0].scan_on_push])
    error_message = "every push must be scanned"
  }
  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.encryption_configuration[0].encryption_type == "KMS"])
    error_message = "images are encrypted with KMS"
  }
  assert {
    condition     = aws_ecr_repository.this["backend"].name == "fcgi-users/backend"
    error_message = "repositories are named <prefix>/<image>"
  }
}

run "lifecycle_policy" {
  command = plan

  assert {
    condition     = length(aws_ecr_lifecycle_policy.this) == 2
    error_message = "each repository has a lifecycle policy"
  }
  assert {
    condition     = [for r in jsondecode(aws_ecr_lifecycle_policy.this["frontend"].policy).rules : r.selection.tagStatus] == ["untagged", "tagged", "any"]
    error_message = "untagged images expire first, then deployed ones are kept apart, then all but the most recent"
  }
  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this["frontend"].policy).rules[2].selection.countNumber == 50
    error_message = "the 50 most recent images are kept"
  }
  # What production runs never expires because newer builds wait for approval: the
  # deployed-* rule comes before (higher priority than) the "any" count.
  assert {
    condition = alltrue([for k, p in aws_ecr_lifecycle_policy.this :
      jsondecode(p.policy).rules[1].selection.tagPrefixList == ["deployed-"] &&
      jsondecode(p.policy).rules[1].selection.countNumber == 20 &&
    jsondecode(p.policy).rules[1].rulePriority < jsondecode(p.policy).rules[2].rulePriority])
    error_message = "images tagged deployed-* (make deploy-prod) are kept by a rule that outranks the most-recent count"
  }
}

run "rejects_bad_prefix" {
  command = plan
  variables {
    name_prefix = "FCGI Users"
  }
  expect_failures = [var.name_prefix]
}

run "rejects_duplicate_repositories" {
  command = plan
  variables {
    repositories = ["backend", "backend"]
  }
  expect_failures = [var.repositories]
}

run "rejects_too_few_kept" {
  command = plan
  variables {
    keep_images = 1
  }
  expect_failures = [var.keep_images]
}

run "rejects_zero_expiry" {
  command = plan
  variables {
    untagged_expiry_days = 0
  }
  expect_failures = [var.untagged_expiry_days]
}

run "rejects_bad_kms_arn" {
  command = plan
  variables {
    kms_key_arn = "alias/aws/ecr"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_aws_tag" {
  command = plan
  variables {
    tags = { "aws:cloudformation:stack" = "x" }
  }
  expect_failures = [var.tags]
}

run "rejects_keeping_fewer_than_two_deployed" {
  command = plan
  variables {
    keep_deployed_images = 1
  }
  expect_failures = [var.keep_deployed_images]
}
