# 1,000,000 task switches through `await asyncio.sleep(0)`: 10 tasks x 100,000 yields each.
import asyncio

TASKS = 10
SWITCHES = 100_000


async def spin(k):
    n = 0
    for _ in range(SWITCHES):
        await asyncio.sleep(0)
        n += k
    return n


async def main():
    return sum(await asyncio.gather(*[spin(k) for k in range(TASKS)]))


print("async_sleep0", asyncio.run(main()))
