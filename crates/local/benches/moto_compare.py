#!/usr/bin/env python3
"""The same event-delivery load against any AWS-compatible endpoint.

    moto_compare.py ENDPOINT [--events N] [--clients C] [--rules R] [--rate EPS]
                             [--seconds S] [--max-seconds T] [--drain-seconds D]

The put_events bench (crates/local/benches/put_events.rs) runs it against
choreoscope-local and against moto_server, for a side by side in which both
get the same client. Standard library only; raw AWS JSON 1.1 (EventBridge)
and 1.0 (SQS) over keep-alive HTTP connections, one per thread.

1. Setup: four queues, a bus with R rules in the mix of
   put_events/client.rs (exact values, prefixes, numeric ranges, another
   source), each with an SQS target; every event matches three of them.
   Plus a probe rule whose target is one more queue.
2. Throughput: N events in PutEvents batches of 10 from C threads (capped
   at --max-seconds); then the wait until every delivery is in its queue.
3. Latency: batches of 10 put at fixed intervals (open loop), first at a
   light --light-rate for --light-seconds, then at --rate for --seconds,
   by 16 sender threads (a batch more than 1 s late is not sent,
   so an endpoint that falls behind cannot stretch the phase); four threads
   long-poll the probe queue (ReceiveMessage, WaitTimeSeconds 1,
   MaxNumberOfMessages 10, then DeleteMessageBatch); latency = receive time
   - send time, so it includes the polling.

Prints a report, then one line `RESULT <json>` for the bench to read.
"""

import argparse
import http.client
import json
import queue
import threading
import time
import urllib.parse
import uuid

ACCOUNT = "123456789012"
REGION = "us-east-1"
QUEUES = 4
# moto routes a request to a service by the credential scope of its
# signature and does not check the signature itself; the local system
# ignores authentication altogether.
AUTH = (
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


class Client:
    """One HTTP connection, reopened when the server closes it (moto's
    werkzeug server closes after every answer); use one per thread."""

    def __init__(self, endpoint):
        parts = urllib.parse.urlsplit(endpoint)
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn = None

    def call(self, target, body):
        sqs = target.startswith("AmazonSQS.")
        headers = {
            "Content-Type": "application/x-amz-json-1.0" if sqs else "application/x-amz-json-1.1",
            "X-Amz-Target": target,
            "Authorization": AUTH.format(service="sqs" if sqs else "events"),
        }
        data = json.dumps(body).encode()
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request("POST", "/", data, headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.will_close:
                    self.conn.close()
                    self.conn = None
                break
            except (ConnectionError, http.client.HTTPException):
                # A kept-alive connection the server had closed: once more
                # on a fresh one.
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        if response.status != 200:
            raise RuntimeError(f"{target} answered {response.status}: {payload[:300]!r}")
        return json.loads(payload) if payload else {}


# The rule mix and events of put_events/client.rs: keep the two in step.
def groups(rules):
    return max(rules // 4, 1)


def pattern(rule):
    group = rule // 4
    family = rule % 4
    if family == 0:
        return {"source": ["shop.orders"], "detail": {"kind": [f"kind-{group}"]}}
    if family == 1:
        return {"detail": {"region": [{"prefix": f"eu-{group}-"}]}}
    if family == 2:
        return {
            "detail-type": ["OrderPlaced"],
            "detail": {"total": [{"numeric": [">=", group * 10, "<", group * 10 + 10]}]},
        }
    return {"source": ["shop.payments"], "detail": {"kind": [f"kind-{group}"]}}


def entry(bus, rules, seq):
    k = groups(rules)
    detail = {
        "seq": seq,
        "kind": f"kind-{seq % k}",
        "region": f"eu-{(seq * 7) % k}-west",
        "total": (seq * 13) % k * 10 + 5,
        "note": "a few more bytes, as real events carry",
    }
    return {"EventBusName": bus, "Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps(detail)}


def matches(rules, seq):
    k = groups(rules)
    in_family = lambda family: (rules + 3 - family) // 4  # noqa: E731
    picked = [seq % k, (seq * 7) % k, (seq * 13) % k]
    return sum(1 for family, group in enumerate(picked) if group < in_family(family))


def percentile(sorted_values, p):
    return sorted_values[round((len(sorted_values) - 1) * p)]


def create_queue(client, name):
    url = client.call("AmazonSQS.CreateQueue", {"QueueName": name})["QueueUrl"]
    return url, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def queue_depth(client, url):
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = client.call("AmazonSQS.GetQueueAttributes", {"QueueUrl": url, "AttributeNames": names})
    return sum(int(attributes.get("Attributes", {}).get(name, 0)) for name in names)


def setup(client, run, rules):
    bus = f"compare-{run}"
    client.call("AWSEvents.CreateEventBus", {"Name": bus})
    queues = [create_queue(client, f"compare-{run}-{i}") for i in range(QUEUES)]
    for rule in range(rules):
        name = f"rule-{rule}"
        client.call("AWSEvents.PutRule", {"Name": name, "EventBusName": bus, "EventPattern": json.dumps(pattern(rule))})
        target = {"Id": "queue", "Arn": queues[rule % QUEUES][1]}
        client.call("AWSEvents.PutTargets", {"Rule": name, "EventBusName": bus, "Targets": [target]})
    probe_url, probe_arn = create_queue(client, f"compare-{run}-probe")
    client.call(
        "AWSEvents.PutRule",
        {"Name": "probe", "EventBusName": bus, "EventPattern": json.dumps({"source": ["bench.latency"]})},
    )
    client.call(
        "AWSEvents.PutTargets",
        {"Rule": "probe", "EventBusName": bus, "Targets": [{"Id": "probe", "Arn": probe_arn}]},
    )
    return bus, [url for url, _ in queues], probe_url


def throughput(endpoint, bus, queue_urls, args):
    batches = -(-args.events // 10)
    lock = threading.Lock()
    state = {"next": 0, "failed": 0}
    latencies = []
    deadline = time.perf_counter() + args.max_seconds

    def client_thread():
        client = Client(endpoint)
        mine = []
        while True:
            with lock:
                batch = state["next"]
                state["next"] += 1
            if batch >= batches or time.perf_counter() > deadline:
                break
            entries = [entry(bus, args.rules, seq) for seq in range(batch * 10, batch * 10 + 10)]
            sent = time.perf_counter()
            try:
                result = client.call("AWSEvents.PutEvents", {"Entries": entries})
            except Exception as error:  # noqa: BLE001 (counted as failed entries: the run goes on)
                print(f"throughput: PutEvents failed: {error}")
                result = {"FailedEntryCount": len(entries)}
            mine.append(time.perf_counter() - sent)
            if result.get("FailedEntryCount", 0):
                with lock:
                    state["failed"] += result["FailedEntryCount"]
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client_thread) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    put = len(latencies) * 10
    accepted = put - state["failed"]
    latencies.sort()
    result = {
        "events": put,
        "accepted": accepted,
        "failed": state["failed"],
        "capped": put < batches * 10,
        "seconds": elapsed,
        "events_per_s": accepted / elapsed,
        "request_p50_ms": percentile(latencies, 0.5) * 1000,
        "request_p99_ms": percentile(latencies, 0.99) * 1000,
    }
    print(
        f"throughput: {accepted} of {put} events accepted in {elapsed:.2f} s = {result['events_per_s']:,.0f} events/s"
        + (f" (stopped after --max-seconds {args.max_seconds:g})" if result["capped"] else "")
    )
    print(f"  PutEvents request p50 {result['request_p50_ms']:.2f} ms, p99 {result['request_p99_ms']:.2f} ms")

    # Deliveries may go on after PutEvents answered (they do in the local
    # system; moto delivers inside PutEvents).
    expected = sum(matches(args.rules, seq) for seq in range(put)) if not state["failed"] else None
    client = Client(endpoint)
    drain_deadline = time.perf_counter() + args.drain_seconds
    while expected is not None:
        delivered = sum(queue_depth(client, url) for url in queue_urls)
        if delivered >= expected:
            result["delivered_after_s"] = time.perf_counter() - started
            print(f"  all {expected} deliveries in their queues {result['delivered_after_s']:.2f} s after the first put")
            break
        if time.perf_counter() > drain_deadline:
            print(f"  only {delivered} of {expected} deliveries in their queues after {args.drain_seconds:g} s")
            break
        time.sleep(0.05)
    return result


def latency(endpoint, bus, probe_url, rate, seconds, args):
    batches = max(round(rate * seconds / 10), 1)
    events = batches * 10
    interval = 10 / rate
    sent = [None] * events
    received = [None] * events
    phase = uuid.uuid4().hex[:8]
    lock = threading.Lock()
    counts = {"received": 0}
    lags = []
    errors = []
    skipped = []
    done = threading.Event()
    jobs = queue.Queue()

    def sender():
        # A pool of senders, so that a slow answer does not hold back the
        # next batch (open loop) until every sender waits on one.
        client = Client(endpoint)
        while (job := jobs.get()) is not None:
            batch, due = job
            if time.perf_counter() > late:
                # The endpoint fell so far behind that the phase would not
                # end: what was not sent by then is reported as not sent.
                skipped.append(batch)
                continue
            entries = [
                {
                    "EventBusName": bus,
                    "Source": "bench.latency",
                    "DetailType": "LatencyProbe",
                    "Detail": json.dumps({"seq": seq, "kind": "probe", "phase": phase}),
                }
                for seq in range(batch * 10, batch * 10 + 10)
            ]
            now = time.perf_counter()
            lags.append(now - due)
            for seq in range(batch * 10, batch * 10 + 10):
                sent[seq] = now
            try:
                client.call("AWSEvents.PutEvents", {"Entries": entries})
            except Exception as error:  # noqa: BLE001 (counted and reported: the run goes on)
                with lock:
                    errors.append(f"PutEvents: {error}")

    def consumer():
        client = Client(endpoint)
        while not done.is_set():
            try:
                answer = client.call(
                    "AmazonSQS.ReceiveMessage",
                    {"QueueUrl": probe_url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1},
                )
            except Exception as error:  # noqa: BLE001 (counted and reported: the run goes on)
                with lock:
                    errors.append(f"ReceiveMessage: {error}")
                time.sleep(0.1)
                continue
            now = time.perf_counter()
            messages = answer.get("Messages") or []
            with lock:
                for message in messages:
                    detail = json.loads(message["Body"])["detail"]
                    seq = detail["seq"]
                    # A straggler of an earlier phase is not this phase's;
                    # SQS is at least once: the first receipt counts.
                    if detail.get("phase") == phase and received[seq] is None:
                        received[seq] = now
                        counts["received"] += 1
            if messages:
                handles = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
                try:
                    client.call("AmazonSQS.DeleteMessageBatch", {"QueueUrl": probe_url, "Entries": handles})
                except Exception as error:  # noqa: BLE001 (counted and reported: the run goes on)
                    with lock:
                        errors.append(f"DeleteMessageBatch: {error}")

    senders = [threading.Thread(target=sender) for _ in range(16)]
    consumers = [threading.Thread(target=consumer) for _ in range(4)]
    for thread in senders + consumers:
        thread.start()
    start = time.perf_counter() + 0.05
    late = start + seconds + 1
    for batch in range(batches):
        due = start + batch * interval
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        jobs.put((batch, due))
    for _ in senders:
        jobs.put(None)
    for thread in senders:
        thread.join()
    put = events - len(skipped) * 10
    sending = max((s for s in sent if s is not None), default=start) - start
    deadline = time.perf_counter() + args.drain_seconds
    while counts["received"] < put and time.perf_counter() < deadline:
        time.sleep(0.01)
    done.set()
    for thread in consumers:
        thread.join()
    latencies = sorted(r - s for s, r in zip(sent, received) if s is not None and r is not None)
    result = {
        "rate": rate,
        # The last batch goes out one interval before the span would end.
        "achieved_rate": put / (sending + interval),
        "sent": put,
        "not_sent": events - put,
        "received": len(latencies),
        "max_send_lag_ms": max(lags) * 1000,
        "errors": len(errors),
    }
    if errors:
        print(f"latency: {len(errors)} calls failed, the first: {errors[0]}")
    print(
        f"latency: {events} events paced at {rate:,.0f}/s; {put} sent at {result['achieved_rate']:,.0f}/s "
        f"(latest batch {result['max_send_lag_ms']:.1f} ms behind schedule"
        + (f", {events - put} not sent: still queued 1 s after the phase's end" if put < events else "")
        + f"), {len(latencies)} received"
    )
    if latencies:
        result.update(
            p50_ms=percentile(latencies, 0.5) * 1000,
            p99_ms=percentile(latencies, 0.99) * 1000,
            max_ms=latencies[-1] * 1000,
        )
        print(
            f"  put -> SQS receive (includes long polling) p50 {result['p50_ms']:.2f} ms, "
            f"p99 {result['p99_ms']:.2f} ms, max {result['max_ms']:.2f} ms"
        )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoint", help="e.g. http://127.0.0.1:4599")
    parser.add_argument("--events", type=int, default=5_000, help="events of the throughput phase")
    parser.add_argument("--clients", type=int, default=4, help="threads of the throughput phase")
    parser.add_argument("--rules", type=int, default=100, help="rules on the bus")
    parser.add_argument("--rate", type=float, default=2_000, help="events/s of the latency phase")
    parser.add_argument("--seconds", type=float, default=5, help="length of the latency phase")
    parser.add_argument("--light-rate", type=float, default=20, help="events/s of a light latency phase (0: none)")
    parser.add_argument("--light-seconds", type=float, default=5, help="length of the light latency phase")
    parser.add_argument("--max-seconds", type=float, default=10, help="cap on the throughput phase")
    parser.add_argument("--drain-seconds", type=float, default=10, help="wait for deliveries after the puts")
    args = parser.parse_args()

    client = Client(args.endpoint)
    run = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    bus, queue_urls, probe_url = setup(client, run, args.rules)
    print(f"setup: bus, {QUEUES + 1} queues, {args.rules + 1} rules with targets in {time.perf_counter() - started:.2f} s")
    result = {
        "endpoint": args.endpoint,
        "throughput": throughput(args.endpoint, bus, queue_urls, args),
    }
    # Light first: an endpoint the paced rate overwhelms is then still fresh.
    if args.light_rate > 0:
        result["latency_light"] = latency(args.endpoint, bus, probe_url, args.light_rate, args.light_seconds, args)
    result["latency"] = latency(args.endpoint, bus, probe_url, args.rate, args.seconds, args)
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
