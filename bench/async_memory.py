# Peak memory of 100,000 tasks asleep at once (half on a long sleep, half on an Event), read
# from /proc/self/status (VmHWM). stdout stays the same on every interpreter; the peak MB goes
# to stderr as "peak_mb N" and bench/run.py reports it in its own column.
import asyncio
import sys

N = 100_000


def peak_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return -1.0


async def sleeper(i, event):
    if i % 2:
        await asyncio.sleep(3600)
    else:
        await event.wait()
    return i


async def main():
    event = asyncio.Event()
    tasks = [asyncio.create_task(sleeper(i, event)) for i in range(N)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    mb = peak_mb()
    event.set()
    for t in tasks[1::2]:
        t.cancel()
    done = await asyncio.gather(*tasks, return_exceptions=True)
    woke = sum(1 for r in done if not isinstance(r, asyncio.CancelledError))
    return mb, woke


mb, woke = asyncio.run(main())
print(f"peak_mb {mb:.1f}", file=sys.stderr)
print("async_memory", N, "tasks", "woke", woke, "peak_read", mb > 0)
