# Benchmark: memory of suspended coroutines. Creates N small coroutines, each suspended in an
# `await` of an awaitable whose __await__ is a generator, and reports the resident-set growth
# per coroutine (VmRSS from /proc/self/status) on stderr; stdout stays deterministic.
import sys

N = 100000


class Suspend:
    def __await__(self):
        yield


async def f():
    await Suspend()


def rss_kb():
    with open("/proc/self/status") as fh:
        for line in fh.read().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def make(n):
    coros = []
    for _ in range(n):
        c = f()
        c.send(None)
        coros.append(c)
    return coros


warm = make(1000)          # warm up code paths and allocator pools
before = rss_kb()
coros = make(N)
after = rss_kb()
print(len(coros), "coroutines suspended;", sum(1 for c in coros if c.cr_suspended), "report cr_suspended")
print(f"bytes per suspended coroutine: {(after - before) * 1024 / N:.0f}", file=sys.stderr)
