"""SplitMix64 and a polar-method normal on it: the generator that tests/support/splitmix.hpp
implements in C++, so the peer scripts and iterum's tests and benchmarks build identical data."""
import math

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        """Next value in [0, 1): the top 53 bits of the mixed state."""
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        return (z >> 11) * 2.0**-53

    def normal(self):
        """Standard normal draw by Marsaglia's polar method."""
        while True:
            u = 2.0 * self.next() - 1.0
            v = 2.0 * self.next() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                return u * math.sqrt(-2.0 * math.log(s) / s)
