# Installed as the interpreter's sitecustomize.py by python.sh.
import os
import site
import sys


def _use_environment_of_resolved_executable():
    if sys.prefix != sys.base_prefix or not sys.executable:
        return
    env = os.path.dirname(os.path.realpath(os.path.dirname(os.path.abspath(sys.executable))))
    if env == sys.base_prefix or not os.path.isfile(os.path.join(env, "pyvenv.cfg")):
        return
    sys.prefix = sys.exec_prefix = env
    site.addsitedir(os.path.join(env, "lib", "python%d.%d" % sys.version_info[:2], "site-packages"))


_use_environment_of_resolved_executable()
