import octo

octo.paginate(octo.Octo().issues.list_for_repo, "o", "r", stat="all")  # error
