"""The wheel carries the native library when one is placed in libloyalty/ before building
(build-wheel.sh does that), and is then tagged for that platform (py3-none-<platform>): the
Python code is the same everywhere (ctypes), the library is not. Metadata is in pyproject.toml."""
import os

from setuptools import setup

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # building an sdist, or without the wheel package
    bdist_wheel = None

HERE = os.path.dirname(os.path.abspath(__file__))
NATIVE = ("libloyalty.so.0", "loyalty.dll", "libloyalty.0.dylib")
PLATFORM = os.environ.get("LOYALTY_WHEEL_PLATFORM", "")

cmdclass = {}
if bdist_wheel is not None and any(
        os.path.exists(os.path.join(HERE, "libloyalty", n)) for n in NATIVE):

    class PlatformWheel(bdist_wheel):
        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            _, _, plat = super().get_tag()
            return "py3", "none", PLATFORM or plat

    cmdclass["bdist_wheel"] = PlatformWheel

# On Windows, libloyalty.sync's DLLs go beside loyalty.dll when built (scripts/windows.sh).
SYNC = ("loyalty-sync.dll", "libpq.dll")
setup(cmdclass=cmdclass, package_data={"libloyalty": list(NATIVE + SYNC)})
