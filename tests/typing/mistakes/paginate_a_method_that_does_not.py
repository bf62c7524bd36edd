import octo

octo.paginate(octo.Octo().repos.get, "o", "r")  # error
