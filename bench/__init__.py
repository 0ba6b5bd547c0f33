"""The speed benchmark of issue 3: saydo against the obvious implementation, side by side.

python -m bench.run            # the full table (minutes: the peer is slow on purpose)
python -m bench.run --smoke    # tiny inputs, < 60 s: checks every code path works (CI)
"""
