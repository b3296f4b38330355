import os

import wxpresign

# A dict, or the path of the configuration JSON (the sandbox's client.json works as is).
config = os.environ.get("WXPRESIGN_CONFIG", "client.json")

with wxpresign.Client(config) as client:  # one client, reused for every call and thread
    try:
        answer = client.edu_papay(
            {
                "appid": "wx8888888888888888",
                "openid": "oUpF8uMuAJOM2pxb1Q",
                "plan_id": "101164396123311331",
                "user_id": "20200330tony",
                "period_start_date": "2026-12-19",
                "trade_scene": "EDUCATION_PERIOD",
            }
        )
    except wxpresign.ValidationError as e:
        print(f"fix the request at {e.field}: {e.issue}")  # nothing was sent
    except wxpresign.Error as e:
        print(f"failed: {e}; retryable: {e.retryable}")
    else:
        print(answer["status"], answer["data"]["presign_token"])
