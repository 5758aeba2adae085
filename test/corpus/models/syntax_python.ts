// expect: exit=1 code=RPN1002 at=3:1
import tinybig
model = tinybig.model.rpn(layers=[tinybig.layer.perceptron_layer(m=2, n=2)])

