import octo

octo.Octo().repos.update_branch_protection(
    "o", "r", "main",
    required_status_checks={"strict": True},  # error
    enforce_admins=None, required_pull_request_reviews=None, restrictions=None,
)
