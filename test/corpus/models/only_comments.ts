// expect: exit=1 code=RPN1004 at=1:1
// nothing here

