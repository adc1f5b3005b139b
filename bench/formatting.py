# Benchmark: string formatting with f-strings, % and str.format.
total = 0
for i in range(240000):
    x = i * 1.5
    s1 = f'{i:5d}|{x:10.3f}|{i:x}|{"name"}-{i % 7}'
    s2 = '%d %s %.2f %05d' % (i, 'str', x, i % 1000)
    s3 = '{0}:{1:>8}:{2:.1e}'.format(i, 'right', x)
    s4 = str(i) + repr(x)
    total += len(s1) + len(s2) + len(s3) + len(s4)
print(total)
