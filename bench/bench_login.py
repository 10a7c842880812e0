"""Login timing: a wrong password on a real account against an unknown address, side by side.

Both go through POST /admin/login with the production Argon2 cost (argon2-cffi's defaults); the
unknown address is checked against a dummy hash of the same cost, so the two should take the same
time (target: within 1.2x). Requests alternate between the two kinds; each figure is the median.
The lock-out is raised out of the way so that every request does the full work.

Environment: BENCH_LOGIN_RUNS (40 requests of each kind).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

TARGET = 1.2


def main() -> None:
    from collector.extensions import db
    from collector.models import User
    from collector.passwords import hash_password
    from collector.surveys import create_office
    from wsgi import create_app

    runs = int(os.environ.get("BENCH_LOGIN_RUNS", "40"))
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench-secret-key-0123456789abcdef",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "LOGIN_MAX_FAILURES": 10**6,
            }
        )
        with app.app_context():
            db.create_all()
            office = create_office("bench", "Urząd Miasta Bench")
            db.session.add(
                User(
                    email="clerk@bench.test",
                    role="admin",
                    office_id=office.id,
                    password_hash=hash_password("the right password, long enough"),
                )
            )
            db.session.commit()
        client = app.test_client()
        kinds = {"real account": "clerk@bench.test", "unknown address": "nobody@bench.test"}
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        for n in range(runs + 2):
            for kind, email in kinds.items():
                started = time.perf_counter()
                response = client.post(
                    "/admin/login",
                    data={"email": email, "password": "a wrong password"},
                    environ_base={"REMOTE_ADDR": f"10.{n % 250}.0.1"},
                )
                elapsed = time.perf_counter() - started
                assert response.status_code == 401, response.status_code
                if n >= 2:  # the first two warm the caches (and make the dummy hash)
                    times[kind].append(elapsed)
        medians = {kind: statistics.median(values) * 1000 for kind, values in times.items()}
        real, unknown = medians["real account"], medians["unknown address"]
        ratio = max(real, unknown) / min(real, unknown)
        print(f"requests of each kind: {runs}, Argon2 cost: argon2-cffi defaults")
        for kind, value in medians.items():
            print(f"  {kind:16} median {value:7.1f} ms")
        verdict = "ok" if ratio <= TARGET else "OVER TARGET"
        print(f"  slower/faster ratio {ratio:.3f} (target <= {TARGET}) {verdict}")


if __name__ == "__main__":
    main()
