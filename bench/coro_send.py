# Benchmark: the send() round trip into a suspended coroutine. A coroutine awaits an awaitable
# whose __await__ generator yields in a loop; the driver resumes it with send() 1M times.
import sys
import time

N = 1000000


class Ticker:
    def __await__(self):
        total = 0
        while True:
            total += yield total


async def worker():
    return await Ticker()


def drive(n):
    c = worker()
    v = c.send(None)
    send = c.send
    for i in range(n):
        v = send(i)
    c.close()
    return v


start = time.perf_counter()
result = drive(N)
elapsed = time.perf_counter() - start
print(result)
print(f"send round trip: {elapsed * 1e9 / N:.0f} ns ({elapsed:.3f} s for {N})", file=sys.stderr)
