#!/usr/bin/python3
# Managed by jstate (formula keystone).
# keystone-token URL [--endpoint ENDPOINT_URL --region REGION]
#
# Asks the Keystone at URL (e.g. http://10.77.0.11:5000/v3) for a token scoped to a project, with
# the user, project and password of the environment (OS_USERNAME, OS_PROJECT_NAME, OS_PASSWORD,
# all of the default domain): the password is never in argv. Exits 0 when Keystone issued the
# token and, with --endpoint, the token's catalog has the identity service at ENDPOINT_URL in
# REGION for each of the public, internal and admin interfaces; 1 when it did not (the reason on
# stderr); 2 on bad usage. Nothing is printed on success, and never the token or the password.
import http.client
import json
import os
import re
import sys
import urllib.error
import urllib.request


def fail(msg, code=1):
    print("keystone-token: " + msg, file=sys.stderr)
    sys.exit(code)


class TokenError(Exception):
    """Keystone issued no token: the message says why (never with the password)."""


def issue_token(url, timeout=10):
    """A token scoped to the environment's project from the Keystone at URL (.../v3), as its JSON
    "token" object; TokenError otherwise. packaging/lab/keystone-loop uses this too."""
    missing = [v for v in ("OS_USERNAME", "OS_PROJECT_NAME", "OS_PASSWORD") if not os.environ.get(v)]
    if missing:
        raise ValueError("not set in the environment: " + ", ".join(missing))
    url = url.rstrip("/") + "/auth/tokens"
    if not re.match(r"^https?://[^/]+", url):
        raise ValueError("not an http(s) URL: " + url)
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": os.environ["OS_USERNAME"], "domain": {"id": "default"}, "password": os.environ["OS_PASSWORD"]}}},
        "scope": {"project": {"name": os.environ["OS_PROJECT_NAME"], "domain": {"id": "default"}}}}}
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    # The password goes to Keystone only: no proxy of the environment, no redirect followed.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
    try:
        with opener.open(req, timeout=timeout) as r:
            status, answer = r.status, json.loads(r.read(1 << 20))
    except urllib.error.HTTPError as e:
        raise TokenError("%s answered HTTP %d" % (url, e.code))
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException, RecursionError) as e:
        raise TokenError("%s: %s" % (url, getattr(e, "reason", None) or type(e).__name__))
    if status != 201:
        raise TokenError("%s answered HTTP %d, not 201" % (url, status))
    token = answer.get("token") if isinstance(answer, dict) else None
    if not isinstance(token, dict):
        raise TokenError("%s answered 201 without a token" % url)
    return token


def main(argv):
    if len(argv) not in (1, 5) or (len(argv) == 5 and (argv[1] != "--endpoint" or argv[3] != "--region")):
        fail("usage: keystone-token URL [--endpoint ENDPOINT_URL --region REGION]", 2)
    try:
        token = issue_token(argv[0])
    except ValueError as e:
        fail(str(e), 2)
    except TokenError as e:
        fail(str(e))
    if len(argv) == 5:
        want, region = argv[2], argv[4]
        found = {}
        for service in token.get("catalog") or []:
            if not isinstance(service, dict) or service.get("type") != "identity":
                continue
            for ep in service.get("endpoints") or []:
                if isinstance(ep, dict) and ep.get("region_id") == region:
                    found.setdefault(ep.get("interface"), set()).add(ep.get("url"))
        wrong = {i: sorted(found.get(i, ())) for i in ("public", "internal", "admin") if found.get(i) != {want}}
        if wrong:
            fail("the identity endpoints in %s are not %s: %s" % (region, want, wrong))
    return 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
