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


def cpu_ns():
    """CPU time of this thread in ns (/proc/self/schedstat), so load on the machine does not
    count; None where unavailable."""
    try:
        with open("/proc/self/schedstat") as fh:
            return int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


wall0, cpu0 = time.perf_counter(), cpu_ns()
result = drive(N)
wall, cpu1 = time.perf_counter() - wall0, cpu_ns()
print(result)
how = f"{(cpu1 - cpu0) / N:.0f} ns cpu" if cpu0 is not None and cpu1 is not None else "cpu n/a"
print(f"send round trip: {how}, {wall * 1e9 / N:.0f} ns wall ({N} round trips)", file=sys.stderr)
