// expect: exit=1 code=RPN1002 at=2:17
<html><body>not a model</body></html>

