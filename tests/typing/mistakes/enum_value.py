import octo

octo.Octo().repos.create_commit_status("o", "r", "0123abc", state="stale")  # error
