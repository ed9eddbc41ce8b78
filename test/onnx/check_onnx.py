"""Checks every .onnx file in a directory with the onnx package's checker (full_check: with
shape inference) and prints its inferred output shapes. Optional: the tests use ONNX Runtime.

    /usr/bin/python3 test/onnx/check_onnx.py /tmp/nabla-onnx
"""
import pathlib
import sys

import onnx

failed = 0
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.onnx")):
    model = onnx.load(str(path))
    try:
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
        outs = [
            (o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim])
            for o in inferred.graph.output
        ]
        print(f"ok   {path.name}: ir {model.ir_version}, opset {model.opset_import[0].version}, "
              f"{len(model.graph.node)} nodes, outputs {outs}")
    except Exception as e:  # noqa: BLE001 - report every file
        failed += 1
        print(f"FAIL {path.name}: {e}")
sys.exit(1 if failed else 0)
