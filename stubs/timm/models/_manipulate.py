# Init Lens model stub: timm.models._manipulate (timm 1.0): named_apply.
# named_apply(fn, module) calls fn(module=m, name=qualified_name) on every submodule m, children
# before their parent when depth_first (the default); the root itself only with include_root.


def named_apply(fn, module, name="", depth_first=True, include_root=False):
    if include_root and not depth_first:
        fn(module=module, name=name)
    for child_name, child in module.named_children():
        qualified = name + "." + child_name if name else child_name
        named_apply(fn=fn, module=child, name=qualified, depth_first=depth_first, include_root=True)
    if include_root and depth_first:
        fn(module=module, name=name)
    return module
