import octo

octo.Octo().repos.get("o", "r").data["full_nme"]  # error
