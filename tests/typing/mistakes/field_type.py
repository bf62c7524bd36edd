import octo

stars: str = octo.repos.get("o", "r").data["stargazers_count"]  # error
