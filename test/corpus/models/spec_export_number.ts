// expect: exit=1 code=RPN2001
export default 42;
