# Benchmark: object creation, method calls and attribute access.
class Vector:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, other):
        return Vector(self.x + other.x, self.y + other.y)

    def scale(self, k):
        return Vector(self.x * k, self.y * k)

    def dot(self, other):
        return self.x * other.x + self.y * other.y


class Particle:
    def __init__(self, pos, vel):
        self.pos = pos
        self.vel = vel
        self.steps = 0

    def step(self):
        self.pos = self.pos.add(self.vel)
        self.steps += 1
        if self.pos.x > 1000 or self.pos.x < -1000:
            self.vel = self.vel.scale(-1)


class Counter:
    def __init__(self):
        self.count = 0

    def bump(self, n):
        self.count = self.count + n
        return self


particles = [Particle(Vector(i, -i), Vector(i % 7 - 3, i % 5 - 2)) for i in range(100)]
for _ in range(6000):
    for p in particles:
        p.step()
c = Counter()
for i in range(400000):
    c.bump(i).bump(1)
total = 0
for p in particles:
    total += p.pos.dot(p.vel) + p.steps
print(total, c.count)
