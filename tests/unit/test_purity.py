"""The pure core imports no Flask, Socket.IO, database or server library (core/README.md)."""

import subprocess
import sys

BLOCKED = ["flask", "flask_socketio", "socketio", "engineio", "eventlet", "sqlite3", "gevent",
           "socket", "requests"]

SCRIPT = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {BLOCKED!r}:
            raise ImportError('pure core imported ' + name)
sys.meta_path.insert(0, Block())
import facilitator.core.plan, facilitator.core.state, facilitator.core.commands
import facilitator.core.views, facilitator.activities, facilitator.activities.notes
import facilitator.core.seating, facilitator.core.agenda, facilitator.core.pairing
import facilitator.core.affirmative, facilitator.core.assets, facilitator.activities.cafe
import facilitator.activities.asset_map
import facilitator.activities.openspace, facilitator.activities.adopt
import facilitator.activities.inquiry, facilitator.activities.inquiry.ai_discover
import facilitator.activities.onetwofour, facilitator.core.grouping, facilitator.core.signs
print('pure')
"""


def test_core_and_activities_import_without_io_libraries() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "pure"
