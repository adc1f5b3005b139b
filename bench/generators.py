# Benchmark: generator functions, generator expressions and chained iteration.
def count(n):
    i = 0
    while i < n:
        yield i
        i += 1

def evens(it):
    for x in it:
        if x % 2 == 0:
            yield x

def squares(it):
    for x in it:
        yield x * x

def take(it, n):
    for x in it:
        if n == 0:
            return
        n -= 1
        yield x

total = 0
for _ in range(40):
    total += sum(squares(evens(count(100000))))
total += sum(x % 7 for x in range(1200000) if x % 3)
total += sum(take(count(10 ** 9), 800000))
print(total)
