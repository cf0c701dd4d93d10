/*
 * Configuration import: each AWS shape, a CloudFormation template, ARN
 * references, response plans in both shapes (and the corpus's), and
 * all-or-nothing on error with every problem reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testhost.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static char buf[1 << 20];
  *len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  return buf;
}

static const char *examples_dir;
static const char *corpus_dir;

static siren_engine *fresh(th_host *th) {
  memset(th, 0, sizeof *th);
  return th_engine(th, 1, 0);
}

static void load_ok(siren_engine *e, const char *text, siren_config_result *res) {
  int rc = siren_config_load(res, e, text, strlen(text));
  if (rc != SIREN_OK) fail_msg("load: %s\n%s", siren_errmsg(e), siren_config_problems(e));
}

static void api_shape_yaml(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  char path[512];
  snprintf(path, sizeof path, "%s/ec2-high-cpu/contacts.yaml", examples_dir);
  size_t len = 0;
  char *text = slurp(path, &len);
  assert_non_null(text);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, text, len), SIREN_OK);
  assert_int_equal(res.contacts, 3);
  assert_int_equal(res.channels, 4);
  assert_int_equal(res.plans, 3);
  assert_int_equal(res.errors, 0);
  /* The imported escalation behaves as the seed: pages at 0, 5, 10, 15. */
  th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  /* ACTIVATED channels sent no activation code. */
  for (size_t i = 0; i < th.notice_count; i++) assert_int_equal(th.notices[i].kind, SIREN_NOTIFY_PAGE);
  siren_target t = SIREN_TARGET_INIT;
  assert_int_equal(siren_contact_plan_target(&t, e, "incident-responder", 0, 0), SIREN_OK);
  assert_string_equal(t.channel, "incident-responder-email");
  assert_int_equal(t.retry_interval_minutes, 1);
  siren_engine_free(e);
  free(th.records);
}

static void api_shape_json_camel_case_and_top_level_channels(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  const char *doc =
      "{\"contacts\": [\n"
      "  {\"alias\": \"akuam\", \"displayName\": \"Akua Mansa\", \"type\": \"PERSONAL\",\n"
      "   \"plan\": {\"stages\": [{\"durationInMinutes\": 5, \"targets\": [{\"channelTargetInfo\":\n"
      "     {\"contactChannelId\": \"arn:aws:ssm-contacts:us-east-2:111122223333:contact-channel/akuam/fc7405c4\",\n"
      "      \"retryIntervalInMinutes\": 2}}]}]}},\n"
      "  {\"alias\": \"esc\", \"type\": \"ESCALATION\", \"plan\": {\"repeatCount\": 1, \"stages\": [\n"
      "     {\"durationInMinutes\": 3, \"targets\": [{\"contactTargetInfo\": {\"contactId\":\n"
      "       \"arn:aws:ssm-contacts:us-east-2:111122223333:contact/akuam\", \"isEssential\": true}}]}]}}],\n"
      " \"contactChannels\": [{\"contactId\": \"arn:aws:ssm-contacts:us-east-2:111122223333:contact/akuam\",\n"
      "   \"contactChannelId\": \"arn:aws:ssm-contacts:us-east-2:111122223333:contact-channel/akuam/fc7405c4\",\n"
      "   \"name\": \"akuas email\", \"type\": \"EMAIL\", \"deliveryAddress\": {\"simpleAddress\": \"akuam@example.com\"},\n"
      "   \"activationStatus\": \"NOT_ACTIVATED\"}]}\n";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, doc, &res);
  assert_int_equal(res.contacts, 2);
  assert_int_equal(res.channels, 1);
  assert_int_equal(res.plans, 2);
  siren_channel_info ci = SIREN_CHANNEL_INFO_INIT;
  assert_int_equal(siren_channel_get(&ci, e, "akuam", "akuas email"), SIREN_OK);
  assert_int_equal(ci.activation, SIREN_NOT_ACTIVATED);
  /* NOT_ACTIVATED: a code was sent. */
  assert_int_equal(th.notice_count, 1);
  assert_int_equal(th.notices[0].kind, SIREN_NOTIFY_ACTIVATION_CODE);
  siren_contact_info info = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&info, e, "esc"), SIREN_OK);
  assert_int_equal(info.repeat_count, 1);
  assert_string_equal(siren_contact_get(&info, e, "akuam") == SIREN_OK ? info.display_name : "", "Akua Mansa");
  siren_engine_free(e);
  free(th.records);
}

static void cloudformation_template(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  /* The AWS user guide's template, with a real address instead of the
   * parameter's logical name (see the corpus test below for the original). */
  const char *doc =
      "AWSTemplateFormatVersion: 2010-09-09\n"
      "Resources:\n"
      "  MyReplicationSet:\n"
      "    Type: AWS::SSMIncidents::ReplicationSet\n"
      "    Properties:\n"
      "      Regions:\n"
      "        - RegionName: !Ref AWS::Region\n"
      "  MyContactChannelEmail:\n"
      "    Type: AWS::SSMContacts::ContactChannel\n"
      "    Properties:\n"
      "      ContactId: !Ref MySSMContact\n"
      "      ChannelName: emailChannel\n"
      "      ChannelType: EMAIL\n"
      "      ChannelAddress: oncall@example.com\n"
      "  MySSMContact:\n"
      "    Type: AWS::SSMContacts::Contact\n"
      "    Properties:\n"
      "      Alias: my-ssm-contact\n"
      "      DisplayName: MySSMContact\n"
      "      Type: PERSONAL\n"
      "  MySSMContactEngagementPlan:\n"
      "    Type: AWS::SSMContacts::Plan\n"
      "    Properties:\n"
      "      ContactId: MySSMContact\n"
      "      Stages:\n"
      "        - DurationInMinutes: 10\n"
      "          Targets:\n"
      "            - ChannelTargetInfo:\n"
      "                ChannelId: MyContactChannelEmail\n"
      "                RetryIntervalInMinutes: 3\n"
      "  MyEscalationPlanContact:\n"
      "    Type: AWS::SSMContacts::Contact\n"
      "    Properties:\n"
      "      Alias: my-escalation-plan\n"
      "      Type: ESCALATION\n"
      "  MyEscalationPlan:\n"
      "    Type: AWS::SSMContacts::Plan\n"
      "    Properties:\n"
      "      ContactId: MyEscalationPlanContact\n"
      "      Stages:\n"
      "        - DurationInMinutes: 0\n"
      "          Targets:\n"
      "            - ContactTargetInfo:\n"
      "                ContactId: MySSMContact\n"
      "                IsEssential: true\n";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, doc, &res);
  assert_int_equal(res.contacts, 2);
  assert_int_equal(res.channels, 1);
  assert_int_equal(res.plans, 2);
  assert_int_equal(res.unsupported, 1); /* the ReplicationSet */
  assert_non_null(strstr(siren_config_problems(e), "Resources.MyReplicationSet: AWS::SSMIncidents::ReplicationSet is not supported yet"));
  siren_target t = SIREN_TARGET_INIT;
  assert_int_equal(siren_contact_plan_target(&t, e, "my-escalation-plan", 0, 0), SIREN_OK);
  assert_string_equal(t.contact, "my-ssm-contact");
  assert_int_equal(t.essential, 1);
  assert_int_equal(siren_contact_plan_target(&t, e, "my-ssm-contact", 0, 0), SIREN_OK);
  assert_string_equal(t.channel, "emailChannel");
  assert_int_equal(t.retry_interval_minutes, 3);
  siren_engine_free(e);
  free(th.records);
}

static void all_or_nothing_with_every_problem(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  assert_int_equal(siren_contact_create(e, "existing", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  uint64_t records = siren_engine_record_count(e);
  const char *doc =
      "contacts:\n"
      "  - Alias: good-one\n"
      "    Type: PERSONAL\n"
      "  - Alias: Bad Alias\n"
      "    Type: PERSONAL\n"
      "  - Alias: existing\n"
      "    Type: PERSONAL\n"
      "  - Alias: esc\n"
      "    Type: ESCALATION\n"
      "    Plan:\n"
      "      Stages:\n"
      "        - DurationInMinutes: 45\n"
      "          Targets:\n"
      "            - ContactTargetInfo: {ContactId: good-one, IsEssential: true}\n"
      "            - ContactTargetInfo: {ContactId: sr-responder, IsEssential: true}\n"
      "contactChannels:\n"
      "  - {ContactId: good-one, Name: mail, Type: EMAIL, DeliveryAddress: {SimpleAddress: not-an-address}}\n";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, doc, strlen(doc)), SIREN_EINVAL);
  const char *p = siren_config_problems(e);
  assert_non_null(strstr(p, "contacts[1]: Alias \"Bad Alias\" must be 1-255 characters of [a-z0-9_-]"));
  assert_non_null(strstr(p, "contacts[2]: contact \"existing\" already exists"));
  assert_non_null(strstr(p, "contacts[3].Plan.Stages[0]: DurationInMinutes must be 0-30"));
  assert_non_null(strstr(p, "contacts[3].Plan.Stages[0].Targets[1]: unknown contact \"sr-responder\""));
  assert_non_null(strstr(p, "contactChannels[0]: address \"not-an-address\": EMAIL needs one '@'"));
  assert_int_equal(res.errors, 5);
  /* Nothing was created: no new contact, no record. */
  assert_int_equal(siren_contact_count(e), 1);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "good-one"), SIREN_ENOTFOUND);
  assert_int_equal(siren_engine_record_count(e), records);
  siren_engine_free(e);
  free(th.records);
}

static void cycle_and_syntax_errors(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  const char *cyc =
      "contacts:\n"
      "  - {Alias: a, Type: ESCALATION, Plan: {Stages: [{DurationInMinutes: 1, Targets: [{ContactTargetInfo: {ContactId: b}}]}]}}\n"
      "  - {Alias: b, Type: ESCALATION, Plan: {Stages: [{DurationInMinutes: 1, Targets: [{ContactTargetInfo: {ContactId: a}}]}]}}\n";
  assert_int_equal(siren_config_load(NULL, e, cyc, strlen(cyc)), SIREN_EINVAL);
  assert_non_null(strstr(siren_config_problems(e), "(a cycle)"));
  assert_int_equal(siren_contact_count(e), 0);
  const char *bad = "{\"contacts\": [ {\"Alias\": \"x\",, } ]}";
  assert_int_equal(siren_config_load(NULL, e, bad, strlen(bad)), SIREN_EINVAL);
  assert_non_null(strstr(siren_config_problems(e), "1:"));
  assert_int_equal(siren_contact_count(e), 0);
  /* Storage failing part-way (the second contact's record): what was
   * created is removed again and the problems say so. */
  const char *two = "contacts: [{Alias: one, Type: PERSONAL}, {Alias: two, Type: PERSONAL}]\n";
  th.fail_storage_nth = th.append_calls + 2;
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, two, strlen(two)), SIREN_ECALLBACK);
  assert_non_null(strstr(siren_config_problems(e), "loading stopped part-way"));
  assert_int_equal(siren_contact_count(e), 0);
  assert_int_equal(res.contacts, 0);
  /* Storage healthy again: the same document loads. */
  th.fail_storage_nth = 0;
  load_ok(e, two, &res);
  assert_int_equal(res.contacts, 2);
  assert_int_equal(siren_contact_count(e), 2);
  siren_engine_free(e);
  free(th.records);
}

/* The corpus file at corpus_dir/aws-config/name, or NULL (then the test
 * skips). The buffer is static: one file at a time. */
static char *corpus_file(const char *name, size_t *len) {
  char path[1024];
  if (!corpus_dir) return NULL;
  snprintf(path, sizeof path, "%s/aws-config/%s", corpus_dir, name);
  char *text = slurp(path, len);
  if (!text) print_message("corpus file %s absent: skipping\n", path);
  return text;
}

/* Replaces the first from in text (NUL-terminated, in a buffer of cap) by to. */
static void replace(char *text, size_t cap, const char *from, const char *to) {
  char *at = strstr(text, from);
  if (!at) fail_msg("\"%s\" not in the text", from);
  size_t nf = strlen(from), nt = strlen(to), rest = strlen(at + nf);
  assert_true(strlen(text) - nf + nt < cap);
  memmove(at + nt, at + nf, rest + 1);
  memcpy(at, to, nt);
}

static void corpus_cloudformation_reports_literal_parameters(void **state) {
  (void)state;
  static const char *files[] = {"cfn-userguide-ssmincidents-responseplan-example.yaml",
                                "cfn-userguide-ssmincidents-responseplan-example.json"};
  for (size_t f = 0; f < 2; f++) {
    size_t len = 0;
    char *text = corpus_file(files[f], &len);
    if (!text) skip();
    static th_host th;
    siren_engine *e = fresh(&th);
    siren_config_result res = SIREN_CONFIG_RESULT_INIT;
    /* As published, ChannelAddress holds the parameter's logical name
     * ("ContactEmail"), not an address, and ChatbotSns and Engagements hold
     * one logical name where CloudFormation wants a list: the import refuses
     * each precisely and creates nothing. */
    assert_int_equal(siren_config_load(&res, e, text, len), SIREN_EINVAL);
    const char *p = siren_config_problems(e);
    assert_non_null(strstr(p, "Resources.MyContactChannelEmail.Properties: address \"ContactEmail\": EMAIL needs one '@'"));
    assert_non_null(strstr(p, "Resources.MyIncidentsResponsePlan.Properties.ChatChannel.ChatbotSns: expected a list\n"));
    assert_non_null(strstr(p, "Resources.MyIncidentsResponsePlan.Properties.Engagements: expected a list of contacts\n"));
    /* Response plans are read now; the replication set is still not. */
    assert_null(strstr(p, "ResponsePlan is not supported"));
    assert_non_null(strstr(p, "Resources.MyReplicationSet: AWS::SSMIncidents::ReplicationSet is not supported yet"));
    assert_int_equal(res.errors, 3);
    assert_int_equal(res.unsupported, 1);
    assert_int_equal(res.response_plans, 0);
    assert_int_equal(siren_contact_count(e), 0);
    assert_int_equal(siren_response_plan_count(e), 0);
    siren_engine_free(e);
    free(th.records);
  }
}

/* The same template with those three values written as CloudFormation wants
 * them loads, and its response plan reads back as declared. */
static void corpus_cloudformation_response_plan_loads_when_fixed(void **state) {
  (void)state;
  size_t len = 0;
  char *text = corpus_file("cfn-userguide-ssmincidents-responseplan-example.yaml", &len);
  if (!text) skip();
  static char doc[1 << 16];
  assert_true(len < sizeof doc);
  memcpy(doc, text, len);
  doc[len] = '\0';
  replace(doc, sizeof doc, "ChannelAddress: ContactEmail", "ChannelAddress: oncall@example.com");
  replace(doc, sizeof doc, "ChatbotSns: ChatbotSnsArn", "ChatbotSns: [ChatbotSnsArn]");
  replace(doc, sizeof doc, "Engagements: MyEscalationPlanContact", "Engagements: [MyEscalationPlanContact]");
  static th_host th;
  siren_engine *e = fresh(&th);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, doc, &res);
  assert_int_equal(res.contacts, 2);
  assert_int_equal(res.channels, 1);
  assert_int_equal(res.plans, 2);
  assert_int_equal(res.response_plans, 1);
  assert_int_equal(res.unsupported, 1); /* the ReplicationSet */
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  assert_int_equal(siren_response_plan_get(&rp, e, "MyResponsePlan"), SIREN_OK);
  assert_string_equal(rp.title, "MyIncident");
  assert_int_equal(rp.impact, 1);
  assert_string_equal(rp.summary, "My incident summary.");
  assert_string_equal(rp.dedupe_string, "MyDedupeString");
  assert_int_equal(rp.notification_target_count, 1);
  assert_string_equal(rp.notification_targets[0], "NotificationTargetArn");
  assert_int_equal(rp.incident_tag_count, 1);
  assert_string_equal(rp.incident_tags[0].key, "MyIncidentTagKey");
  assert_string_equal(rp.incident_tags[0].value, "MyIncidentTagValue");
  assert_int_equal(rp.chat_channel_count, 1);
  assert_string_equal(rp.chat_channels[0], "ChatbotSnsArn");
  /* The logical id became the contact's alias. */
  assert_int_equal(rp.engagement_count, 1);
  assert_string_equal(rp.engagements[0], "my-escalation-plan");
  assert_string_equal(rp.runbook, "SsmAutomationDocument");
  assert_int_equal(rp.runbook_param_count, 3);
  assert_string_equal(rp.runbook_params[0].name, "Key1");
  assert_int_equal(rp.runbook_params[0].value_count, 1);
  assert_string_equal(rp.runbook_params[0].values[0], "Value1");
  assert_int_equal(rp.runbook_params[0].dynamic, SIREN_DYNAMIC_NONE);
  assert_string_equal(rp.runbook_params[1].name, "Key2");
  assert_int_equal(rp.runbook_params[1].value_count, 0);
  assert_int_equal(rp.runbook_params[1].dynamic, SIREN_DYNAMIC_INCIDENT_RECORD_ARN);
  assert_string_equal(rp.runbook_params[2].name, "Key3");
  assert_int_equal(rp.runbook_params[2].dynamic, SIREN_DYNAMIC_INVOLVED_RESOURCES);
  assert_int_equal(rp.tag_count, 1);
  assert_string_equal(rp.tags[0].key, "MyResponsePlanTagKey");
  assert_string_equal(rp.tags[0].value, "MyResponsePlanTagValue");
  siren_engine_free(e);
  free(th.records);
}

/* get-response-plan's output as aws-cli prints it: one plan on its own is
 * refused with a hint; put in a responsePlans list, it loads. */
static void corpus_get_response_plan_output(void **state) {
  (void)state;
  size_t len = 0;
  char *text = corpus_file("awscli-example-ssm-incidents-get-response-plan.output.json", &len);
  if (!text) skip();
  static th_host th;
  siren_engine *e = fresh(&th);
  assert_int_equal(siren_contact_create(e, "example", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_config_load(NULL, e, text, len), SIREN_EINVAL);
  assert_non_null(strstr(siren_config_problems(e), "put it in a \"responsePlans\" list"));
  assert_int_equal(siren_response_plan_count(e), 0);
  static char doc[1 << 16];
  assert_true(len + 40 < sizeof doc);
  int n = snprintf(doc, sizeof doc, "{\"responsePlans\": [%.*s]}", (int)len, text);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, doc, (size_t)n), SIREN_OK);
  assert_int_equal(res.response_plans, 1);
  assert_string_equal(siren_config_problems(e), "");
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  assert_int_equal(siren_response_plan_get(&rp, e, "Example-Response-Plan"), SIREN_OK);
  assert_string_equal(rp.display_name, "Example response plan");
  assert_string_equal(rp.title, "Example-Incident");
  assert_int_equal(rp.impact, 5);
  assert_int_equal(rp.chat_channel_count, 1);
  assert_string_equal(rp.chat_channels[0], "arn:aws:sns:us-east-1:111122223333:Standard_User");
  assert_int_equal(rp.engagement_count, 1);
  assert_string_equal(rp.engagements[0], "example");
  assert_string_equal(rp.runbook, "AWSIncidents-CriticalIncidentRunbookTemplate");
  assert_int_equal(rp.runbook_param_count, 0);
  siren_engine_free(e);
  free(th.records);
}

/* The CloudFormation provider's contract-test inputs are a resource's
 * Properties: as a template resource they load (placeholders are host ids). */
static void corpus_cfn_provider_inputs(void **state) {
  (void)state;
  static const char *files[] = {"cfn-provider-ssmincidents-responseplan-inputs_1_update.json",
                                "cfn-provider-ssmincidents-responseplan-inputs_2_create.json"};
  for (size_t f = 0; f < 2; f++) {
    size_t len = 0;
    char *text = corpus_file(files[f], &len);
    if (!text) skip();
    static th_host th;
    siren_engine *e = fresh(&th);
    assert_int_equal(siren_contact_create(e, "plan", NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
    assert_int_equal(siren_contact_create(e, "contact", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
    static char doc[1 << 16];
    int n = snprintf(doc, sizeof doc,
                     "{\"Resources\": {\"Plan\": {\"Type\": \"AWS::SSMIncidents::ResponsePlan\", "
                     "\"Properties\": %.*s}}}",
                     (int)len, text);
    siren_config_result res = SIREN_CONFIG_RESULT_INIT;
    assert_int_equal(siren_config_load(&res, e, doc, (size_t)n), SIREN_OK);
    assert_int_equal(res.response_plans, 1);
    siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
    assert_int_equal(siren_response_plan_get(&rp, e, f == 0 ? "contractTestV1" : "contractTestV2"), SIREN_OK);
    assert_int_equal(rp.impact, f == 0 ? 3 : 2);
    assert_string_equal(rp.dedupe_string, f == 0 ? "dedupstring-1" : "dedupstring-2");
    assert_int_equal(rp.incident_tag_count, 2);
    assert_string_equal(rp.incident_tags[1].key, "incident_tag_key_2");
    assert_string_equal(rp.incident_tags[1].value, "incident_tag_value_2");
    assert_int_equal(rp.notification_target_count, 1);
    assert_string_equal(rp.notification_targets[0], "{{CFNContractTestSNSA}}");
    assert_string_equal(rp.chat_channels[0], "{{CFNContractTestSNSB}}");
    assert_int_equal(rp.engagement_count, 2);
    assert_string_equal(rp.engagements[0], "plan");
    assert_string_equal(rp.engagements[1], "contact");
    assert_int_equal(rp.tag_count, f == 0 ? 2 : 0);
    siren_engine_free(e);
    free(th.records);
  }
}

/* The walkthrough's response plan (API shape) engages the escalation plan of
 * contacts.yaml: alone it is refused with the path; after it, it loads. */
static void ec2_high_cpu_response_plan(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  char path[512];
  size_t len = 0;
  snprintf(path, sizeof path, "%s/ec2-high-cpu/response-plan.yaml", examples_dir);
  static char plan[1 << 16];
  char *text = slurp(path, &len);
  assert_non_null(text);
  assert_true(len < sizeof plan);
  memcpy(plan, text, len);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, plan, len), SIREN_EINVAL);
  assert_string_equal(siren_config_problems(e),
                      "responsePlans[0].engagements[0]: unknown contact "
                      "\"arn:aws:ssm-contacts:us-east-1:111122223333:contact/app-escalation-plan\"\n");
  assert_int_equal(siren_response_plan_count(e), 0);

  snprintf(path, sizeof path, "%s/ec2-high-cpu/contacts.yaml", examples_dir);
  text = slurp(path, &len);
  assert_non_null(text);
  assert_int_equal(siren_config_load(&res, e, text, len), SIREN_OK);
  assert_int_equal(res.response_plans, 0);
  snprintf(path, sizeof path, "%s/ec2-high-cpu/response-plan.yaml", examples_dir);
  text = slurp(path, &len);
  assert_non_null(text);
  assert_int_equal(siren_config_load(&res, e, text, len), SIREN_OK);
  assert_int_equal(res.response_plans, 1);
  assert_int_equal(res.contacts, 0);
  assert_int_equal(res.unsupported, 0);
  assert_string_equal(siren_config_problems(e), "");
  assert_int_equal(siren_response_plan_count(e), 1);
  assert_string_equal(siren_response_plan_name_at(e, 0), "EC2HighCPU");
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  assert_int_equal(siren_response_plan_get(&rp, e, "EC2HighCPU"), SIREN_OK);
  assert_string_equal(rp.display_name, "EC2 high CPU");
  assert_string_equal(rp.title, "cpu-incident-1");
  assert_int_equal(rp.impact, 3);
  assert_string_equal(rp.summary, "CPU utilization above 85 % on the application's EC2 instance");
  assert_int_equal(rp.engagement_count, 1);
  assert_string_equal(rp.engagements[0], "app-escalation-plan");
  assert_string_equal(rp.runbook, "ec2-cpu-util-runbook");
  assert_int_equal(rp.runbook_param_count, 1);
  assert_string_equal(rp.runbook_params[0].name, "IncidentRecordArn");
  assert_int_equal(rp.runbook_params[0].dynamic, SIREN_DYNAMIC_INCIDENT_RECORD_ARN);
  assert_int_equal(rp.chat_channel_count, 0);
  siren_engine_free(e);
  free(th.records);
}

static const char full_api_plan[] =
    "contacts:\n"
    "  - {Alias: oncall, Type: PERSONAL}\n"
    "responsePlans:\n"
    "  - name: db-down\n"
    "    displayName: Database down\n"
    "    incidentTemplate:\n"
    "      title: Database unreachable\n"
    "      impact: 2\n"
    "      summary: The primary does not answer\n"
    "      dedupeString: db-primary\n"
    "      incidentTags: {team: storage, tier: \"1\"}\n"
    "      notificationTargets:\n"
    "        - snsTopicArn: arn:aws:sns:eu-west-1:111122223333:db\n"
    "    chatChannel:\n"
    "      chatbotSns: [arn:aws:sns:eu-west-1:111122223333:chat-a, arn:aws:sns:eu-west-1:111122223333:chat-b]\n"
    "    engagements:\n"
    "      - arn:aws:ssm-contacts:eu-west-1:111122223333:contact/existing\n"
    "      - oncall\n"
    "    actions:\n"
    "      - ssmAutomation:\n"
    "          documentName: restart-db\n"
    "          documentVersion: \"3\"\n"
    "          roleArn: arn:aws:iam::111122223333:role/ssm\n"
    "          targetAccount: IMPACTED_ACCOUNT\n"
    "          parameters:\n"
    "            Hosts: [db-1, db-2]\n"
    "            Mode: [fast]\n"
    "          dynamicParameters:\n"
    "            Incident: {variable: INCIDENT_RECORD_ARN}\n"
    "            Resources: {variable: INVOLVED_RESOURCES}\n"
    "    tags: {owner: storage-team}\n"
    "    ackTimeoutMinutes: 30\n"
    "    autoResolveMinutes: 1440\n"
    "    maintenance:\n"
    "      - {start: 2026-01-05T09:00:00Z, end: 2026-01-05T10:30:00.250Z}\n"
    "      - {start: 1830297600000, end: \"2028-02-29T23:59:59+00:00\"}\n";

/* Every member of the API shape reaches siren_response_plan_get. */
static void api_shape_response_plan_round_trip(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  assert_int_equal(siren_contact_create(e, "existing", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, full_api_plan, &res);
  assert_int_equal(res.contacts, 1);
  assert_int_equal(res.response_plans, 1);
  assert_int_equal(res.unsupported, 0);
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  assert_int_equal(siren_response_plan_get(&rp, e, "db-down"), SIREN_OK);
  assert_string_equal(rp.name, "db-down");
  assert_string_equal(rp.display_name, "Database down");
  assert_string_equal(rp.title, "Database unreachable");
  assert_int_equal(rp.impact, 2);
  assert_string_equal(rp.summary, "The primary does not answer");
  assert_string_equal(rp.dedupe_string, "db-primary");
  assert_int_equal(rp.incident_tag_count, 2);
  assert_string_equal(rp.incident_tags[0].key, "team");
  assert_string_equal(rp.incident_tags[0].value, "storage");
  assert_string_equal(rp.incident_tags[1].key, "tier");
  assert_string_equal(rp.incident_tags[1].value, "1");
  assert_int_equal(rp.notification_target_count, 1);
  assert_string_equal(rp.notification_targets[0], "arn:aws:sns:eu-west-1:111122223333:db");
  assert_int_equal(rp.chat_channel_count, 2);
  assert_string_equal(rp.chat_channels[0], "arn:aws:sns:eu-west-1:111122223333:chat-a");
  assert_string_equal(rp.chat_channels[1], "arn:aws:sns:eu-west-1:111122223333:chat-b");
  assert_int_equal(rp.engagement_count, 2);
  assert_string_equal(rp.engagements[0], "existing");
  assert_string_equal(rp.engagements[1], "oncall");
  assert_string_equal(rp.runbook, "restart-db");
  assert_int_equal(rp.runbook_param_count, 4);
  assert_string_equal(rp.runbook_params[0].name, "Hosts");
  assert_int_equal(rp.runbook_params[0].value_count, 2);
  assert_string_equal(rp.runbook_params[0].values[0], "db-1");
  assert_string_equal(rp.runbook_params[0].values[1], "db-2");
  assert_string_equal(rp.runbook_params[1].name, "Mode");
  assert_int_equal(rp.runbook_params[1].value_count, 1);
  assert_string_equal(rp.runbook_params[1].values[0], "fast");
  assert_string_equal(rp.runbook_params[2].name, "Incident");
  assert_int_equal(rp.runbook_params[2].dynamic, SIREN_DYNAMIC_INCIDENT_RECORD_ARN);
  assert_string_equal(rp.runbook_params[3].name, "Resources");
  assert_int_equal(rp.runbook_params[3].dynamic, SIREN_DYNAMIC_INVOLVED_RESOURCES);
  assert_int_equal(rp.tag_count, 1);
  assert_string_equal(rp.tags[0].key, "owner");
  assert_string_equal(rp.tags[0].value, "storage-team");
  assert_int_equal(rp.ack_timeout_minutes, 30);
  assert_int_equal(rp.auto_resolve_minutes, 1440);
  assert_int_equal(rp.maintenance_count, 2);
  assert_int_equal(rp.maintenance[0].start, TH_T0);
  assert_int_equal(rp.maintenance[0].end, TH_T0 + 90 * 60000 + 250);
  assert_int_equal(rp.maintenance[1].start, INT64_C(1830297600000));
  /* 2028 is a leap year: Feb 29 exists. 1830297600000 = 2028-01-01. */
  assert_int_equal(rp.maintenance[1].end, INT64_C(1830297600000) + (int64_t)(59 * 86400 + 86399) * 1000);
  siren_engine_free(e);
  free(th.records);
}

/* CloudFormation: references by !Ref, !GetAtt, Fn::GetAtt and ARN; list
 * forms of tags and parameters; extensions in PascalCase. */
static void cloudformation_response_plan_references(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  assert_int_equal(siren_contact_create(e, "outside", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  const char *doc =
      "Resources:\n"
      "  Primary: {Type: AWS::SSMContacts::Contact, Properties: {Alias: primary, Type: PERSONAL}}\n"
      "  Secondary: {Type: AWS::SSMContacts::Contact, Properties: {Alias: secondary, Type: PERSONAL}}\n"
      "  Escalation: {Type: AWS::SSMContacts::Contact, Properties: {Alias: escalation, Type: ESCALATION}}\n"
      "  Plan:\n"
      "    Type: AWS::SSMIncidents::ResponsePlan\n"
      "    Properties:\n"
      "      Name: api-latency\n"
      "      IncidentTemplate:\n"
      "        Title: API latency\n"
      "        Impact: 4\n"
      "        IncidentTags: [{Key: service, Value: api}]\n"
      "      ChatChannel: {ChatbotSns: [chat-1]}\n"
      "      Engagements:\n"
      "        - !Ref Primary\n"
      "        - !GetAtt Secondary.Arn\n"
      "        - {Fn::GetAtt: [Escalation, Arn]}\n"
      "        - arn:aws:ssm-contacts:us-east-1:111122223333:contact/outside\n"
      "      Actions:\n"
      "        - SsmAutomation:\n"
      "            DocumentName: scale-out\n"
      "            RoleArn: arn:aws:iam::111122223333:role/ssm\n"
      "            Parameters: [{Key: Count, Values: [\"2\"]}]\n"
      "            DynamicParameters: [{Key: Arn, Value: {Variable: INCIDENT_RECORD_ARN}}]\n"
      "      Tags: [{Key: env, Value: prod}]\n"
      "      AckTimeoutMinutes: 15\n";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, doc, &res);
  assert_int_equal(res.contacts, 3);
  assert_int_equal(res.response_plans, 1);
  assert_int_equal(res.unsupported, 0);
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  assert_int_equal(siren_response_plan_get(&rp, e, "api-latency"), SIREN_OK);
  assert_int_equal(rp.impact, 4);
  assert_int_equal(rp.engagement_count, 4);
  assert_string_equal(rp.engagements[0], "primary");
  assert_string_equal(rp.engagements[1], "secondary");
  assert_string_equal(rp.engagements[2], "escalation");
  assert_string_equal(rp.engagements[3], "outside");
  assert_string_equal(rp.incident_tags[0].key, "service");
  assert_string_equal(rp.incident_tags[0].value, "api");
  assert_string_equal(rp.chat_channels[0], "chat-1");
  assert_string_equal(rp.runbook, "scale-out");
  assert_int_equal(rp.runbook_param_count, 2);
  assert_string_equal(rp.runbook_params[0].name, "Count");
  assert_string_equal(rp.runbook_params[0].values[0], "2");
  assert_string_equal(rp.runbook_params[1].name, "Arn");
  assert_int_equal(rp.runbook_params[1].dynamic, SIREN_DYNAMIC_INCIDENT_RECORD_ARN);
  assert_string_equal(rp.tags[0].key, "env");
  assert_int_equal(rp.ack_timeout_minutes, 15);
  /* The JSON spelling of a reference: {"Ref": ...}. */
  const char *json =
      "{\"Resources\": {\"C\": {\"Type\": \"AWS::SSMContacts::Contact\", \"Properties\": {\"Alias\": \"json-c\", \"Type\": \"PERSONAL\"}},\n"
      " \"P\": {\"Type\": \"AWS::SSMIncidents::ResponsePlan\", \"Properties\": {\"Name\": \"json-plan\",\n"
      "   \"IncidentTemplate\": {\"Title\": \"t\", \"Impact\": 5}, \"Engagements\": [{\"Ref\": \"C\"}]}}}}";
  load_ok(e, json, &res);
  assert_int_equal(siren_response_plan_get(&rp, e, "json-plan"), SIREN_OK);
  assert_int_equal(rp.engagement_count, 1);
  assert_string_equal(rp.engagements[0], "json-c");
  assert_int_equal(siren_response_plan_count(e), 2);
  siren_engine_free(e);
  free(th.records);
}

/* Every problem of a response plan, each with its path, in both spellings;
 * nothing is created. */
static void response_plan_problems_have_paths(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  assert_int_equal(siren_contact_create(e, "oncall", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  uint64_t records = siren_engine_record_count(e);
  const char *doc =
      "responsePlans:\n"
      "  - name: bad plan\n"
      "    incidentTemplate: {title: t, impact: 7}\n"
      "  - name: ok-name\n"
      "    incidentTemplate: {impact: 0, incidentTags: [{Key: a, Value: b}, {Key: a, Value: c}]}\n"
      "    chatChannel: {chatbotSns: one-topic}\n"
      "    engagements: [oncall, \"arn:aws:ssm-contacts:us-east-1:111122223333:contact/oncall\"]\n"
      "    actions:\n"
      "      - ssmAutomation:\n"
      "          documentName: fix\n"
      "          targetAccount: SOMEONE_ELSES\n"
      "          parameters: {P: one}\n"
      "          dynamicParameters: {D: {variable: NOPE}}\n"
      "      - ssmAutomation: {documentName: second}\n"
      "    ackTimeoutMinutes: 2000\n"
      "    maintenance:\n"
      "      - {start: 2026-01-05T10:00:00Z, end: 2026-01-05T09:00:00Z}\n"
      "      - {start: 2026-02-29T00:00:00Z, end: 5}\n"
      "  - name: ok-name\n"
      "    incidentTemplate: {title: t, impact: 1}\n"
      "Resources:\n"
      "  Cfn:\n"
      "    Type: AWS::SSMIncidents::ResponsePlan\n"
      "    Properties: {IncidentTemplate: {Title: t, Impact: six}}\n";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, doc, strlen(doc)), SIREN_EINVAL);
  const char *p = siren_config_problems(e);
  static const char *const want[] = {
      "responsePlans[0].name: \"bad plan\" must be 1-200 characters of [A-Za-z0-9_-]\n",
      "responsePlans[0].incidentTemplate.impact: must be 1-5\n",
      "responsePlans[1].incidentTemplate.title: is required\n",
      "responsePlans[1].incidentTemplate.impact: must be 1-5\n",
      "responsePlans[1].incidentTemplate.incidentTags[1]: tag \"a\" given twice\n",
      "responsePlans[1].chatChannel.chatbotSns: expected a list\n",
      "responsePlans[1].engagements[1]: contact \"oncall\" is engaged twice\n",
      "responsePlans[1].actions: at most 1 action\n",
      "responsePlans[1].actions[0].ssmAutomation.targetAccount: must be RESPONSE_PLAN_OWNER_ACCOUNT or IMPACTED_ACCOUNT\n",
      "responsePlans[1].actions[0].ssmAutomation.parameters.P: expected a list of values\n",
      "responsePlans[1].actions[0].ssmAutomation.dynamicParameters.D.variable: must be INCIDENT_RECORD_ARN or INVOLVED_RESOURCES\n",
      "responsePlans[1].ackTimeoutMinutes: must be 0-1440 minutes (0 = off)\n",
      "responsePlans[1].maintenance[0]: start must be before end\n",
      "responsePlans[1].maintenance[1].start: expected a UTC time such as 2026-01-05T09:00:00Z, or milliseconds since the epoch\n",
      "responsePlans[2].name: response plan \"ok-name\" is defined twice (also at responsePlans[1])\n",
      "Resources.Cfn.Properties.Name: is required\n",
      "Resources.Cfn.Properties.IncidentTemplate.Impact: must be 1-5\n",
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (!strstr(p, want[i])) fail_msg("missing: %s\nproblems:\n%s", want[i], p);
  assert_int_equal(res.errors, sizeof want / sizeof want[0]);
  assert_int_equal(siren_response_plan_count(e), 0);
  assert_int_equal(siren_engine_record_count(e), records);
  /* A name the engine already has. */
  const char *ok = "responsePlans: [{name: taken, incidentTemplate: {title: t, impact: 3}}]\n";
  load_ok(e, ok, &res);
  assert_int_equal(siren_config_load(&res, e, ok, strlen(ok)), SIREN_EINVAL);
  assert_string_equal(siren_config_problems(e), "responsePlans[0].name: response plan \"taken\" already exists\n");
  siren_engine_free(e);
  free(th.records);
}

/* An engagement naming nobody: the path says which, and nothing of the
 * document (its contact included) is created. */
static void unknown_engagement_creates_nothing(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  uint64_t records = siren_engine_record_count(e);
  const char *doc =
      "contacts: [{Alias: oncall, Type: PERSONAL}]\n"
      "responsePlans:\n"
      "  - name: p\n"
      "    incidentTemplate: {title: t, impact: 3}\n"
      "    engagements: [oncall, nobody]\n"
      "Resources:\n"
      "  Q:\n"
      "    Type: AWS::SSMIncidents::ResponsePlan\n"
      "    Properties:\n"
      "      Name: q\n"
      "      IncidentTemplate: {Title: t, Impact: 3}\n"
      "      Engagements: [!Ref Missing, !Sub \"${X}\", [a, b]]\n";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, doc, strlen(doc)), SIREN_EINVAL);
  const char *p = siren_config_problems(e);
  assert_non_null(strstr(p, "responsePlans[0].engagements[1]: unknown contact \"nobody\"\n"));
  assert_non_null(strstr(p, "Resources.Q.Properties.Engagements[0]: unknown contact \"Missing\"\n"));
  /* !Sub's text is taken as written, so it names nobody either. */
  assert_non_null(strstr(p, "Resources.Q.Properties.Engagements[1]: unknown contact \"${X}\"\n"));
  assert_non_null(strstr(p, "Resources.Q.Properties.Engagements[2]: expected a contact alias, ARN or reference\n"));
  assert_int_equal(res.errors, 4);
  assert_int_equal(res.contacts, 0);
  assert_int_equal(res.response_plans, 0);
  assert_int_equal(siren_contact_count(e), 0);
  assert_int_equal(siren_response_plan_count(e), 0);
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  assert_int_equal(siren_response_plan_get(&rp, e, "p"), SIREN_ENOTFOUND);
  assert_int_equal(siren_engine_record_count(e), records);
  siren_engine_free(e);
  free(th.records);
}

/* Storage failing at the second response plan: the first plan and the
 * contact are removed again; with storage healthy the document loads. */
static void response_plan_failure_rolls_back(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  const char *doc =
      "contacts: [{Alias: oncall, Type: PERSONAL}]\n"
      "responsePlans:\n"
      "  - {name: first, incidentTemplate: {title: t, impact: 3}, engagements: [oncall]}\n"
      "  - {name: second, incidentTemplate: {title: t, impact: 3}, engagements: [oncall]}\n";
  /* Appends: the contact, the first plan, the second plan. */
  th.fail_storage_nth = th.append_calls + 3;
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, doc, strlen(doc)), SIREN_ECALLBACK);
  assert_non_null(strstr(siren_config_problems(e), "loading stopped part-way"));
  assert_int_equal(res.response_plans, 0);
  assert_int_equal(res.contacts, 0);
  assert_int_equal(siren_response_plan_count(e), 0);
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  assert_int_equal(siren_response_plan_get(&rp, e, "first"), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_count(e), 0);
  th.fail_storage_nth = 0;
  load_ok(e, doc, &res);
  assert_int_equal(res.response_plans, 2);
  assert_int_equal(res.contacts, 1);
  assert_int_equal(siren_response_plan_count(e), 2);
  assert_int_equal(siren_response_plan_get(&rp, e, "second"), SIREN_OK);
  assert_string_equal(rp.engagements[0], "oncall");
  siren_engine_free(e);
  free(th.records);
}

/* A version 1 result is filled up to its own end: response_plans, which it
 * does not have, is not written. Integrations are reported and skipped. */
static void result_version_1_and_integrations(void **state) {
  (void)state;
  static th_host th;
  siren_engine *e = fresh(&th);
  const char *doc =
      "responsePlans:\n"
      "  - name: p\n"
      "    incidentTemplate: {title: t, impact: 3}\n"
      "    integrations: [{pagerDutyConfiguration: {name: pd}}]\n";
  siren_config_result res;
  memset(&res, 0, sizeof res);
  res.version = 1;
  res.response_plans = 77;
  assert_int_equal(siren_config_load(&res, e, doc, strlen(doc)), SIREN_OK);
  assert_int_equal(res.version, 1);
  assert_int_equal(res.response_plans, 77);
  assert_int_equal(res.unsupported, 1);
  assert_string_equal(siren_config_problems(e),
                      "responsePlans[0].integrations: PagerDuty integrations are not supported yet (ignored)\n");
  assert_int_equal(siren_response_plan_count(e), 1);
  siren_engine_free(e);
  free(th.records);
}

/* One allocation fails, each in turn: the load gives ENOMEM and leaves the
 * engine as it was, or succeeds completely; nothing leaks. */
static siren_host os_base;
static long os_at, os_calls;
static void *os_alloc(size_t n, void *ud) {
  if (++os_calls == os_at) return NULL;
  return os_base.mem_alloc(n, ud);
}
static void *os_realloc(void *p, size_t n, void *ud) {
  if (++os_calls == os_at) return NULL;
  return os_base.mem_realloc(p, n, ud);
}

static void allocation_failures(void **state) {
  (void)state;
  static th_host th;
  int succeeded = 0;
  for (long k = 1; k < 5000 && !succeeded; k++) {
    free(th.records);
    memset(&th, 0, sizeof th);
    siren_host h;
    th_setup(&th, &h, 1, 1);
    os_base = h;
    h.mem_alloc = os_alloc;
    h.mem_realloc = os_realloc;
    os_at = 0;
    siren_engine *e = NULL;
    assert_int_equal(siren_engine_new(&e, &h, NULL, &th), SIREN_OK);
    th.engine = e;
    assert_int_equal(siren_contact_create(e, "existing", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
    os_at = os_calls + k;
    siren_config_result res = SIREN_CONFIG_RESULT_INIT;
    int rc = siren_config_load(&res, e, full_api_plan, strlen(full_api_plan));
    int injected = os_calls >= os_at;
    os_at = 0;
    if (rc == SIREN_OK) {
      if (injected) fail_msg("k=%ld: an allocation failed and the load said OK", k);
      succeeded = 1;
      assert_int_equal(res.response_plans, 1);
      siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
      assert_int_equal(siren_response_plan_get(&rp, e, "db-down"), SIREN_OK);
      assert_int_equal(rp.maintenance_count, 2);
    } else {
      if (rc != SIREN_ENOMEM) fail_msg("k=%ld: %s (%s)", k, siren_strerror(rc), siren_errmsg(e));
      assert_true(injected);
      assert_int_equal(siren_response_plan_count(e), 0);
      assert_int_equal(siren_contact_count(e), 1);
    }
    siren_engine_free(e);
    assert_int_equal(th.live_allocs, 0);
  }
  assert_true(succeeded);
  free(th.records);
  th.records = NULL;
}

int main(int argc, char **argv) {
  examples_dir = argc > 1 ? argv[1] : "examples";
  corpus_dir = argc > 2 ? argv[2] : NULL;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(api_shape_yaml),
      cmocka_unit_test(api_shape_json_camel_case_and_top_level_channels),
      cmocka_unit_test(cloudformation_template),
      cmocka_unit_test(all_or_nothing_with_every_problem),
      cmocka_unit_test(cycle_and_syntax_errors),
      cmocka_unit_test(corpus_cloudformation_reports_literal_parameters),
      cmocka_unit_test(corpus_cloudformation_response_plan_loads_when_fixed),
      cmocka_unit_test(corpus_get_response_plan_output),
      cmocka_unit_test(corpus_cfn_provider_inputs),
      cmocka_unit_test(ec2_high_cpu_response_plan),
      cmocka_unit_test(api_shape_response_plan_round_trip),
      cmocka_unit_test(cloudformation_response_plan_references),
      cmocka_unit_test(response_plan_problems_have_paths),
      cmocka_unit_test(unknown_engagement_creates_nothing),
      cmocka_unit_test(response_plan_failure_rolls_back),
      cmocka_unit_test(result_version_1_and_integrations),
      cmocka_unit_test(allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
