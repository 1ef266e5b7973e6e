package io.gimops.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PatchesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  @Test
  void mergePatchReplacesListsAndDeletesNulls() throws Exception {
    JsonNode target = json("{'a':{'b':1,'c':2},'args':['x','y'],'keep':true}");
    JsonNode patch = json("{'a':{'b':null,'d':3},'args':['z']}");

    assertThat(Patches.mergePatch(target, patch))
        .isEqualTo(json("{'a':{'c':2,'d':3},'args':['z'],'keep':true}"));
  }

  /** What helm sends when an upgrade changes one container's image (a three-way patch). */
  @Test
  void strategicMergePatchMergesContainersByName() throws Exception {
    JsonNode live = json("{'spec':{'template':{'spec':{'containers':["
        + "{'name':'gim','image':'gim:1','ports':[{'containerPort':8080,'name':'http'}]},"
        + "{'name':'sidecar','image':'side:1'}]}}}}");
    JsonNode patch = json("{'spec':{'template':{'spec':{"
        + "'$setElementOrder/containers':[{'name':'gim'},{'name':'sidecar'}],"
        + "'containers':[{'name':'gim','image':'gim:2'}]}}}}");

    JsonNode patched = Patches.strategicMergePatch(live, patch);

    assertThat(patched.at("/spec/template/spec/containers/0")).isEqualTo(
        json("{'name':'gim','image':'gim:2','ports':[{'containerPort':8080,'name':'http'}]}"));
    assertThat(patched.at("/spec/template/spec/containers/1")).isEqualTo(json("{'name':'sidecar','image':'side:1'}"));
    assertThat(patched.at("/spec/template/spec").has("$setElementOrder/containers")).isFalse();
  }

  @Test
  void strategicMergePatchAddsDeletesAndReordersKeyedItems() throws Exception {
    JsonNode live = json("{'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}");
    JsonNode patch = json("{'$setElementOrder/env':[{'name':'C'},{'name':'A'}],"
        + "'env':[{'name':'C','value':'3'},{'$patch':'delete','name':'B'}]}");

    assertThat(Patches.strategicMergePatch(live, patch))
        .isEqualTo(json("{'env':[{'name':'C','value':'3'},{'name':'A','value':'1'}]}"));
  }

  @Test
  void strategicMergePatchReplacesListsWithoutAMergeKey() throws Exception {
    JsonNode live = json("{'args':['a','b'],'tolerations':[{'key':'x'}]}");
    JsonNode patch = json("{'args':['c'],'tolerations':[{'key':'y'}]}");

    assertThat(Patches.strategicMergePatch(live, patch)).isEqualTo(json("{'args':['c'],'tolerations':[{'key':'y'}]}"));
  }

  @Test
  void strategicMergePatchMergesFinalizersAsASetAndDeletesFromPrimitiveLists() throws Exception {
    JsonNode live = json("{'metadata':{'finalizers':['a','b']}}");
    JsonNode patch = json("{'metadata':{'finalizers':['c'],'$deleteFromPrimitiveList/finalizers':['a']}}");

    assertThat(Patches.strategicMergePatch(live, patch)).isEqualTo(json("{'metadata':{'finalizers':['b','c']}}"));
  }

  @Test
  void strategicMergePatchHonoursReplaceAndRetainKeys() throws Exception {
    JsonNode live = json("{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},"
        + "'selector':{'matchLabels':{'a':'1','b':'2'}}}");
    JsonNode patch = json("{'strategy':{'$retainKeys':['type'],'type':'Recreate'},"
        + "'selector':{'$patch':'replace','matchLabels':{'c':'3'}}}");

    assertThat(Patches.strategicMergePatch(live, patch)).isEqualTo(
        json("{'strategy':{'type':'Recreate'},'selector':{'matchLabels':{'c':'3'}}}"));
  }

  @Test
  void strategicMergePatchMergesServicePortsByPort() throws Exception {
    JsonNode live = json("{'ports':[{'port':80,'targetPort':8080},{'port':443,'targetPort':8443}]}");
    JsonNode patch = json("{'ports':[{'port':80,'targetPort':9090}]}");

    assertThat(Patches.strategicMergePatch(live, patch)).isEqualTo(
        json("{'ports':[{'port':80,'targetPort':9090},{'port':443,'targetPort':8443}]}"));
  }

  @Test
  void strategicMergePatchRemovesLabelsSetToNull() throws Exception {
    JsonNode live = json("{'metadata':{'labels':{'helm.sh/chart':'gim-1','app':'gim'}}}");
    JsonNode patch = json("{'metadata':{'labels':{'helm.sh/chart':'gim-2','app':null}}}");

    assertThat(Patches.strategicMergePatch(live, patch)).isEqualTo(json("{'metadata':{'labels':{'helm.sh/chart':'gim-2'}}}"));
  }
}
