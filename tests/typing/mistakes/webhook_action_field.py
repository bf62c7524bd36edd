import octo

payload = octo.webhooks.parse("issues", b"{}")
if payload["action"] == "deleted":
    print(payload["changes"])  # error
