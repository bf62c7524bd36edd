import octo

wh = octo.Webhooks("secret")
wh.on("issue.opened")(print)  # error
