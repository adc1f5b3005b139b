# Queue ping-pong: two tasks pass a counter back and forth through two queues, 200,000 round
# trips, so every get() waits on a future that the other side's put() completes.
import asyncio

ROUNDS = 200_000


async def pinger(to_pong, from_pong):
    total = 0
    for i in range(ROUNDS):
        await to_pong.put(i)
        total += await from_pong.get()
    await to_pong.put(None)
    return total


async def ponger(from_ping, to_ping):
    count = 0
    while True:
        item = await from_ping.get()
        if item is None:
            return count
        count += 1
        await to_ping.put(item + 1)


async def main():
    a, b = asyncio.Queue(), asyncio.Queue()
    return await asyncio.gather(pinger(a, b), ponger(a, b))


print("async_queue", asyncio.run(main()))
