-- Issue 16: the form's codes with the labels it prints, an English gloss, the group a code
-- sits in and its place on the form, so that analysts need not hard-code SPEC §1. Kept equal
-- to nianbao/form.py by tests/warehouse/test_analyst_layer.py.
CREATE TABLE form_codes (
    table_name   VARCHAR NOT NULL,   -- disclosure (二), application (三), review (四)
    code_kind    VARCHAR NOT NULL,   -- item, measure, row, applicant, proceeding, outcome
    code         VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,   -- as the form prints it
    gloss        VARCHAR NOT NULL,   -- in English
    group_label  VARCHAR,            -- the form's heading above it, if any
    form_order   INTEGER NOT NULL,   -- its place among its kind, as printed
    PRIMARY KEY (table_name, code_kind, code)
);

INSERT INTO form_codes VALUES
    ('disclosure', 'item', 'rules', '规章', 'rules', '第二十条第（一）项', 1),
    ('disclosure', 'item', 'normative_documents', '行政规范性文件', 'normative documents', '第二十条第（一）项', 2),
    ('disclosure', 'item', 'administrative_license', '行政许可', 'administrative licences', '第二十条第（五）项', 3),
    ('disclosure', 'item', 'administrative_penalty', '行政处罚', 'administrative penalties', '第二十条第（六）项', 4),
    ('disclosure', 'item', 'administrative_coercion', '行政强制', 'administrative coercion', '第二十条第（六）项', 5),
    ('disclosure', 'item', 'administrative_fees', '行政事业性收费', 'administrative fees', '第二十条第（八）项', 6),
    ('disclosure', 'measure', 'issued', '本年制发件数', 'issued this year', NULL, 1),
    ('disclosure', 'measure', 'repealed', '本年废止件数', 'repealed this year', NULL, 2),
    ('disclosure', 'measure', 'in_force', '现行有效件数', 'in force', NULL, 3),
    ('disclosure', 'measure', 'decisions', '本年处理决定数量', 'decisions this year', NULL, 4),
    ('disclosure', 'measure', 'amount_10k_yuan', '本年收费金额（单位：万元）', 'fees collected this year (10,000 yuan)', NULL, 5),
    ('application', 'applicant', 'natural_person', '自然人', 'natural persons', '申请人情况', 1),
    ('application', 'applicant', 'commercial_enterprise', '商业企业', 'commercial enterprises', '法人或其他组织', 2),
    ('application', 'applicant', 'research_institution', '科研机构', 'research institutions', '法人或其他组织', 3),
    ('application', 'applicant', 'social_welfare_org', '社会公益组织', 'social welfare organisations', '法人或其他组织', 4),
    ('application', 'applicant', 'legal_service_org', '法律服务机构', 'legal service organisations', '法人或其他组织', 5),
    ('application', 'applicant', 'other_org', '其他', 'other organisations', '法人或其他组织', 6),
    ('application', 'applicant', 'total', '总计', 'all applicants', '申请人情况', 7),
    ('application', 'row', '1', '一、本年新收政府信息公开申请数量', 'applications received this year', NULL, 1),
    ('application', 'row', '2', '二、上年结转政府信息公开申请数量', 'carried over from last year', NULL, 2),
    ('application', 'row', '3.1', '（一）予以公开', 'granted in full', '三、本年度办理结果', 3),
    ('application', 'row', '3.2', '（二）部分公开（区分处理的，只计这一情形，不计其他情形）', 'granted in part', '三、本年度办理结果', 4),
    ('application', 'row', '3.3.1', '1.属于国家秘密', 'refused: state secret', '（三）不予公开', 5),
    ('application', 'row', '3.3.2', '2.其他法律行政法规禁止公开', 'refused: barred by other laws and regulations', '（三）不予公开', 6),
    ('application', 'row', '3.3.3', '3.危及“三安全一稳定”', 'refused: endangers security or stability', '（三）不予公开', 7),
    ('application', 'row', '3.3.4', '4.保护第三方合法权益', 'refused: protects a third party''s rights', '（三）不予公开', 8),
    ('application', 'row', '3.3.5', '5.属于三类内部事务信息', 'refused: internal affairs', '（三）不予公开', 9),
    ('application', 'row', '3.3.6', '6.属于四类过程性信息', 'refused: process information', '（三）不予公开', 10),
    ('application', 'row', '3.3.7', '7.属于行政执法案卷', 'refused: law-enforcement case files', '（三）不予公开', 11),
    ('application', 'row', '3.3.8', '8.属于行政查询事项', 'refused: administrative enquiry matters', '（三）不予公开', 12),
    ('application', 'row', '3.4.1', '1.本机关不掌握相关政府信息', 'could not provide: not held', '（四）无法提供', 13),
    ('application', 'row', '3.4.2', '2.没有现成信息需要另行制作', 'could not provide: would have to be created', '（四）无法提供', 14),
    ('application', 'row', '3.4.3', '3.补正后申请内容仍不明确', 'could not provide: still unclear after amendment', '（四）无法提供', 15),
    ('application', 'row', '3.5.1', '1.信访举报投诉类申请', 'not handled: petitions and complaints', '（五）不予处理', 16),
    ('application', 'row', '3.5.2', '2.重复申请', 'not handled: repeated application', '（五）不予处理', 17),
    ('application', 'row', '3.5.3', '3.要求提供公开出版物', 'not handled: asks for a publication', '（五）不予处理', 18),
    ('application', 'row', '3.5.4', '4.无正当理由大量反复申请', 'not handled: many repeated without reason', '（五）不予处理', 19),
    ('application', 'row', '3.5.5', '5.要求行政机关确认或重新出具已获取信息', 'not handled: asks to confirm or reissue what was had', '（五）不予处理', 20),
    ('application', 'row', '3.6', '（六）其他处理', 'other handling (2019 form: one row)', '三、本年度办理结果', 21),
    ('application', 'row', '3.6.1', '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', 'other: applicant did not amend in time', '（六）其他处理', 22),
    ('application', 'row', '3.6.2', '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', 'other: applicant did not pay the fee in time', '（六）其他处理', 23),
    ('application', 'row', '3.6.3', '3.其他', 'other: anything else', '（六）其他处理', 24),
    ('application', 'row', '3.7', '（七）总计', 'total handled', '三、本年度办理结果', 25),
    ('application', 'row', '4', '四、结转下年度继续办理', 'carried forward to next year', NULL, 26),
    ('review', 'proceeding', 'reconsideration', '行政复议', 'administrative reconsideration', NULL, 1),
    ('review', 'proceeding', 'litigation_direct', '未经复议直接起诉', 'lawsuits without reconsideration first', '行政诉讼', 2),
    ('review', 'proceeding', 'litigation_after_reconsideration', '复议后起诉', 'lawsuits after reconsideration', '行政诉讼', 3),
    ('review', 'outcome', 'upheld', '结果维持', 'upheld', NULL, 1),
    ('review', 'outcome', 'corrected', '结果纠正', 'corrected', NULL, 2),
    ('review', 'outcome', 'other', '其他结果', 'other outcome', NULL, 3),
    ('review', 'outcome', 'pending', '尚未审结', 'pending', NULL, 4),
    ('review', 'outcome', 'total', '总计', 'total', NULL, 5);

COMMENT ON TABLE form_codes IS 'the form''s codes (SPEC §1) with the labels it prints, an English gloss, its group and place';
COMMENT ON COLUMN form_codes.table_name IS 'disclosure (二), application (三) or review (四)';
COMMENT ON COLUMN form_codes.code_kind IS 'item, measure, row, applicant, proceeding or outcome';
COMMENT ON COLUMN form_codes.code IS 'the code the stats views use';
COMMENT ON COLUMN form_codes.label IS 'the label as the form prints it';
COMMENT ON COLUMN form_codes.gloss IS 'the label in English';
COMMENT ON COLUMN form_codes.group_label IS 'the form''s heading above it, if any';
COMMENT ON COLUMN form_codes.form_order IS 'its place among its kind, as printed';
