"""Optimum's merged decoder, written out: one ONNX graph with an If on `use_cache_branch` whose
branches are the decoder without past (the first step) and the decoder with past (the later
steps), as `optimum.onnx.merge_decoders` builds `decoder_model_merged.onnx`. The branches' own
inputs become the outer graph's (by name), their internal names are prefixed apart, and an output
one branch lacks (a seq2seq decoder with past returns no encoder keys/values) is an empty
placeholder there, as Optimum's are: a client keeps those of the first step.

Used by tiny_gpt2.py and tiny_seq2seq.py (Debian's python3-onnx 1.12)."""

import onnx
from onnx import TensorProto, helper


def _branch(graph, prefix, output_names, placeholder_shape):
    inputs = {i.name for i in graph.input}
    rename = {init.name: prefix + init.name for init in graph.initializer}
    for node in graph.node:
        for o in node.output:
            if o and o not in inputs:
                rename[o] = prefix + o
    nodes = []
    for node in graph.node:
        n = onnx.NodeProto()
        n.CopyFrom(node)
        n.name = prefix + node.name
        del n.input[:]
        n.input.extend([rename.get(x, x) for x in node.input])
        del n.output[:]
        n.output.extend([rename.get(x, x) for x in node.output])
        nodes.append(n)
    inits = []
    for init in graph.initializer:
        t = onnx.TensorProto()
        t.CopyFrom(init)
        t.name = rename[init.name]
        inits.append(t)
    outputs = []
    by_name = {o.name: o for o in graph.output}
    for name in output_names:
        if name in by_name:
            o = onnx.ValueInfoProto()
            o.CopyFrom(by_name[name])
            o.name = rename.get(name, name)
            outputs.append(o)
        else:
            placeholder = prefix + name
            nodes.append(helper.make_node("Constant", [], [placeholder], value=helper.make_tensor(
                placeholder + "_value", TensorProto.FLOAT, placeholder_shape, [])))
            outputs.append(helper.make_tensor_value_info(placeholder, TensorProto.FLOAT, None))
    return helper.make_graph(nodes, prefix + "graph", [], outputs, inits)


def merge_decoders(no_past_path, with_past_path, out_path, input_names, output_names, placeholder_shape, producer):
    """Writes the merged decoder: inputs `input_names` (from either branch) + use_cache_branch,
    outputs `output_names` (the no-past branch's shapes)."""
    no_past, with_past = onnx.load(no_past_path), onnx.load(with_past_path)
    outer_inputs = {}
    for g in (with_past.graph, no_past.graph):
        for i in g.input:
            outer_inputs.setdefault(i.name, i)
    then_branch = _branch(with_past.graph, "with_past_", output_names, placeholder_shape)
    else_branch = _branch(no_past.graph, "without_past_", output_names, placeholder_shape)
    use_cache = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    if_node = helper.make_node("If", ["use_cache_branch"], output_names, name="optimum::if",
                               then_branch=then_branch, else_branch=else_branch)
    shapes = {o.name: o for o in no_past.graph.output}
    outputs = []
    for name in output_names:
        o = onnx.ValueInfoProto()
        o.CopyFrom(shapes[name])
        outputs.append(o)
    graph = helper.make_graph([if_node], "merged_decoder", [outer_inputs[n] for n in input_names] + [use_cache], outputs)
    model = helper.make_model(graph, opset_imports=no_past.opset_import, producer_name=producer)
    model.ir_version = no_past.ir_version
    onnx.checker.check_model(model)
    onnx.save(model, out_path)
