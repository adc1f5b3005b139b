# Benchmark: nested loops with integer arithmetic and local variables.
def work(n):
    total = 0
    for i in range(n):
        j = 0
        while j < 100:
            total = (total + i * j ^ (i + j)) % 1000003
            j += 1
    return total

print(work(80000))
