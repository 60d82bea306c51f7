"""PyJWT's verdicts for the differential suite (test/differential/differential.test.ts).

One JSON object per stdin line: {token, jwks, algorithms, iss, aud, now}. One JSON object per
stdout line, in order: {"verdict": "accepted"} or {"verdict": "refused", "error": "Class"}.
The key is found the way PyJWKClient.get_signing_key_from_jwt finds it (signing keys that have
a kid, matched by the token's kid), without its fetch; PyJWT's clock is frozen at `now`, so all
three libraries judge the same instant.
"""

import json
import sys
from datetime import datetime

import jwt
from jwt import api_jwt


class FrozenClock(datetime):
    at = 0

    @classmethod
    def now(cls, tz=None):
        return datetime.fromtimestamp(cls.at, tz)


# PyJWT 2.6 reads the time only through api_jwt's datetime.now(tz=timezone.utc).
api_jwt.datetime = FrozenClock

key_sets = {}


def signing_keys(jwks):
    text = json.dumps(jwks, sort_keys=True)
    if text not in key_sets:
        key_sets[text] = [
            key
            for key in jwt.PyJWKSet.from_dict(jwks).keys
            if key.public_key_use in ("sig", None) and key.key_id
        ]
    return key_sets[text]


def verify(case):
    FrozenClock.at = case["now"]
    header = jwt.api_jwt.decode_complete(case["token"], options={"verify_signature": False})[
        "header"
    ]
    kid = header.get("kid")
    matches = [key for key in signing_keys(case["jwks"]) if key.key_id == kid]
    if not matches:
        raise jwt.PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')
    jwt.decode(
        case["token"],
        matches[0].key,
        algorithms=case["algorithms"],
        audience=case["aud"],
        issuer=case["iss"],
        options={"require": ["exp"]},
    )


def main():
    for line in sys.stdin:
        try:
            verify(json.loads(line))
            answer = {"verdict": "accepted"}
        except Exception as error:  # every exception is a refusal; its class says which kind
            answer = {"verdict": "refused", "error": type(error).__name__}
        sys.stdout.write(json.dumps(answer) + "\n")


main()
