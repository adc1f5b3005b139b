# Spawns 100,000 tasks and gathers their results: task creation, first step, completion and
# gather's per-child done callbacks.
import asyncio

N = 100_000


async def work(i):
    return i * 2


async def main():
    total = 0
    for _ in range(2):
        results = await asyncio.gather(*[work(i) for i in range(N)])
        total += sum(results)
    tasks = [asyncio.create_task(work(i)) for i in range(N)]
    for t in tasks:
        total += await t
    return total


print("async_gather", asyncio.run(main()))
