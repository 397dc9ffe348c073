#!/usr/bin/python3
"""test_xmpp_components_share_ejabberd_domain.py on the store of several instances on one host:
one SQLite file for the bindings and one for the users' vCards, which both component processes
write (lib/shared_store.py, engine sqlite)."""
import os
import runpy

os.environ["CUSAX_SHARED_STORE"] = "sqlite"
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "test_xmpp_components_share_ejabberd_domain.py"), run_name="__main__")
