# Benchmark: raising and catching exceptions in loops, through a few frames.
class ParseError(Exception):
    pass

def parse(s):
    if not s.isdigit():
        raise ParseError(s)
    return int(s)

def checked_div(a, b):
    try:
        return a // b
    except ZeroDivisionError:
        return -1

def lookup(d, k):
    try:
        return d[k]
    except KeyError:
        return 0

tokens = [str(i) if i % 3 else 'x' + str(i) for i in range(400000)]
good = bad = 0
for t in tokens:
    try:
        good += parse(t)
    except ParseError:
        bad += 1
    finally:
        good += 1
d = {i: i for i in range(0, 1000, 2)}
acc = 0
for i in range(800000):
    acc += checked_div(i, i % 5) + lookup(d, i % 1000)
print(good, bad, acc)
