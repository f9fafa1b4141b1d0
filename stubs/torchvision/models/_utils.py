# Init Lens model stub: torchvision.models._utils (torchvision 0.20): the channel rounding the mobile
# models share.


def _make_divisible(v, divisor, min_value=None):
    """v rounded to the nearest multiple of divisor (at least min_value, default divisor), never below 90% of v."""
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * v:
        rounded += divisor
    return rounded
