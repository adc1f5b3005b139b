# Benchmark: sorting with key= functions and custom objects with __lt__.
class Item:
    def __init__(self, name, price, qty):
        self.name = name
        self.price = price
        self.qty = qty

    def __lt__(self, other):
        if self.price != other.price:
            return self.price < other.price
        return self.name < other.name


def lcg(seed):
    while True:
        seed = (seed * 1103515245 + 12345) % 2147483648
        yield seed

rng = lcg(42)
nums = [next(rng) % 100000 for _ in range(150000)]
items = [Item('item' + str(next(rng) % 5000), next(rng) % 1000, next(rng) % 50) for _ in range(75000)]

check = 0
s1 = sorted(nums)
s2 = sorted(nums, key=lambda v: (v % 1000, -v))
s3 = sorted(items)
s4 = sorted(items, key=lambda it: (it.qty, it.name), reverse=True)
words = [str(v) for v in nums[:75000]]
words.sort()
words.sort(key=len)
check = s1[500] + s2[500] + s3[500].price + s4[500].qty + int(words[500])
print(check, s1[0], s1[-1], s3[0].name, s4[0].name)
