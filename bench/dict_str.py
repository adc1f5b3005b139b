# Benchmark: dict and string work (word counting, splitting, joining, building strings).
words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa']
lines = []
for i in range(80000):
    parts = []
    for j in range(8):
        parts.append(words[(i * 7 + j * 3) % len(words)] + str((i + j) % 13))
    lines.append(' '.join(parts))
text = '\n'.join(lines)

counts = {}
for line in text.split('\n'):
    for w in line.split():
        counts[w] = counts.get(w, 0) + 1

index = {}
for w, n in counts.items():
    key = w[0].upper() + w[-2:]
    if key in index:
        index[key] += n
    else:
        index[key] = n

out = []
for k in sorted(index):
    out.append(k + '=' + str(index[k]))
summary = ';'.join(out)
checksum = 0
for ch in summary:
    checksum = (checksum * 31 + ord(ch)) % 1000000007
print(len(counts), len(index), len(text), checksum)
