// expect: exit=1 code=RPN1002 at=2:11
{ "layers": [{ "m": 2, "n": 2 }] }

