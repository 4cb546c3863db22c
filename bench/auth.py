"""Benchmark: signed-in home page and sign-in requests/s, against a bare Flask endpoint served the same way.

Run: .venv/bin/python bench/auth.py [--seconds 5] [--concurrency 4]
Prints requests/s, p50/p95 latency and the ratio to the bare endpoint measured in the same run.
"""
import argparse
import itertools

import requests

from harness import bare_flask_app, machine_note, print_table, run_requests, served, summarize, temp_app

PASSWORD = "violet-harbor-lantern-42"


def make_people(app, count: int) -> list[str]:
    from taskforce.auth.models import Organization, Role, Sector, User
    from taskforce.auth.passwords import hash_password
    from taskforce.extensions import db
    with app.app_context():
        org = Organization(name="Bench Org", sector=Sector.OTHER)
        db.session.add(org)
        db.session.flush()
        password_hash = hash_password(PASSWORD)
        emails = [f"bench{i}@example.org" for i in range(count)]
        db.session.add_all(User(email=e, display_name=f"Bench {i}", organization_id=org.id, role=Role.MEMBER,
                                password_hash=password_hash) for i, e in enumerate(emails))
        db.session.commit()
    return emails


def signed_in_session(base: str, email: str) -> requests.Session:
    session = requests.Session()
    token = session.get(f"{base}/api/session").json()["csrf_token"]
    response = session.post(f"{base}/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                            allow_redirects=False)
    assert response.status_code == 302, response.status_code
    return session


class Prefixed(requests.Session):
    def __init__(self, base, inner=None):
        super().__init__()
        self.base, self.inner = base, inner

    def get(self, path, **kwargs):
        return (self.inner or super()).get(self.base + path, **kwargs)


def sign_in_rate(base: str, emails: list[str], seconds: float) -> tuple[float, list[float]]:
    """Full sign-ins (form fetch + argon2 verify + new session row) per second, one thread."""
    import time
    latencies, cycle = [], itertools.cycle(emails)
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        signed_in_session(base, next(cycle))
        latencies.append(time.perf_counter() - t0)
    return len(latencies) / (time.perf_counter() - started), latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    print(f"machine: {machine_note()}; {args.concurrency} client threads, {args.seconds:.0f} s per measurement")

    app = temp_app()
    emails = make_people(app, args.concurrency + 4)
    rows = []
    with served(bare_flask_app()) as bare_url:
        bare_rps, bare_lat = run_requests(lambda: Prefixed(bare_url), ["/"], seconds=args.seconds,
                                          concurrency=args.concurrency)
    rows.append({"endpoint": "bare Flask GET /", "req_per_s": bare_rps, **summarize(bare_lat), "ratio": 1.0})
    with served(app) as url:
        sessions = iter([signed_in_session(url, e) for e in emails[: args.concurrency]])
        home_rps, home_lat = run_requests(lambda: Prefixed(url, next(sessions)), ["/"], seconds=args.seconds,
                                          concurrency=args.concurrency)
        login_page_rps, login_lat = run_requests(lambda: Prefixed(url), ["/auth/login"], seconds=args.seconds,
                                                 concurrency=args.concurrency)
        sign_in_rps, sign_in_lat = sign_in_rate(url, emails, args.seconds)
    rows.append({"endpoint": "Taskforce signed-in GET /", "req_per_s": home_rps, **summarize(home_lat),
                 "ratio": home_rps / bare_rps})
    rows.append({"endpoint": "Taskforce GET /auth/login (anonymous)", "req_per_s": login_page_rps,
                 **summarize(login_lat), "ratio": login_page_rps / bare_rps})
    rows.append({"endpoint": "Taskforce full sign-in (1 thread)", "req_per_s": sign_in_rps, **summarize(sign_in_lat),
                 "ratio": sign_in_rps / bare_rps})
    print_table("sign-in and home page vs bare Flask (ratio = this / bare)", rows)


if __name__ == "__main__":
    main()
